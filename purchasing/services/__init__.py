"""Every write of purchasing: reorder suggestions (reorder), purchase orders (orders), low-stock alerts (alerts)."""
