"""Admin of carriers, zones, rates and capacity (admin_rates), and of preparing and shipping orders
(admin_shipments), and of store pickups (admin_pickups)."""

from . import admin_pickups, admin_rates, admin_shipments  # noqa: F401
