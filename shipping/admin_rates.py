"""Carriers, zones, rates, capacity, holidays."""
