"""Helpers for payment tests."""

WEBHOOK = "/payments/stripe/webhook/"


def webhook_post(client, fake, event: dict, *, signature: str | None = None):
    """Deliver one event as Stripe would: the raw JSON body and its Stripe-Signature header."""
    import json

    payload = json.dumps(event).encode()
    return client.post(WEBHOOK, data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=fake.sign(payload) if signature is None else signature)



def pay_and_confirm(client, fake, payment) -> None:
    """The shopper pays on Stripe's page and Stripe's events reach the shop; `payment` is refreshed."""
    fake.session_pay(payment.provider_id)
    for event in fake.events:
        webhook_post(client, fake, event)
    payment.refresh_from_db()
