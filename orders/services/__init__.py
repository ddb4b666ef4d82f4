"""Every write of the orders app: carts, placing orders, moving an order along its statuses."""
