from orders.tests.conftest import canada, cart, kettle, mug  # noqa: F401  (the checkout's own fixtures)
