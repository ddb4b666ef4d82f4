"""Shipping services: rates and promised dates, shipments, back-in-stock requests."""
