"""Helpers for payment tests."""

WEBHOOK = "/payments/stripe/webhook/"


def webhook_post(client, fake, event: dict, *, signature: str | None = None):
    """Deliver one event as Stripe would: the raw JSON body and its Stripe-Signature header."""
    import json

    payload = json.dumps(event).encode()
    return client.post(WEBHOOK, data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=fake.sign(payload) if signature is None else signature)

