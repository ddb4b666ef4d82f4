"""Hooks: how an app lets the apps above it act at one of its moments without importing them.

The lower app declares a Hook and calls it; an app above adds its function in its AppConfig.ready() (it imports the
lower app, never the other way). Unlike a Django signal, a hook is called only where its declaring module says, each
function runs in the caller's transaction in the order added, and an error propagates to the caller (the
transaction rolls back), so a reaction that must happen with the change cannot be silently lost. Use one only where
a lower layer must react to a higher one; otherwise the higher app calls down directly.

    order_closed = Hook("order closed")                       # orders.services.status
    order_closed.add(invoice_order_closed)                    # payments.apps.PaymentsConfig.ready
    order_closed.run(order=order, user=user)                  # inside order_transition
"""

from collections.abc import Callable


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._functions: list[Callable[..., None]] = []

    def add(self, function: Callable[..., None]) -> None:
        """Add function (once: adding it again, e.g. when ready() runs twice in tests, changes nothing)."""
        if function not in self._functions:
            self._functions.append(function)

    def run(self, **kwargs) -> None:
        for function in list(self._functions):
            function(**kwargs)

    def __repr__(self):
        names = ", ".join(f"{f.__module__}.{f.__qualname__}" for f in self._functions)
        return f"<Hook {self.name}: {names or 'nothing added'}>"
