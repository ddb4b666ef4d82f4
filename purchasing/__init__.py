"""Suppliers' terms and items, reorder suggestions, purchase orders and their receipts, low-stock alerts."""
