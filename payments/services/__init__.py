"""Every write to payments, invoices and refunds. Card payments in card.py, the rest by capability."""


class PaymentError(ValueError):
    """The payment action cannot be done as asked; the message is for the person who asked."""
