"""Admin of carriers, zones, rates and capacity (admin_rates), and of preparing and shipping orders
(admin_shipments)."""

from . import admin_rates, admin_shipments  # noqa: F401
