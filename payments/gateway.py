"""The only module that talks to Stripe: hosted Checkout sessions, refunds and webhook signatures.

Amounts cross this boundary as Decimal dollars (CAD) and travel to Stripe as integer cents. Every failure of the
Stripe library becomes GatewayError; nothing here touches the database.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

CURRENCY = "cad"
HTTP_TIMEOUT_SECONDS = 10
# A webhook signature dated more than this before or after our clock is refused (Stripe's library checks only
# the past: a signature dated in the future would otherwise stay replayable for as long as it says).
WEBHOOK_TOLERANCE_SECONDS = 300
_CENT = Decimal("0.01")


class GatewayError(Exception):
    """Stripe could not be reached or refused the call. str() is safe to log."""

    def __init__(
        self, message: str, *, http_status: int | None = None, code: str | None = None, retryable: bool = False
    ):
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.retryable = retryable


class WebhookRefused(Exception):
    """A webhook call the shop does not act on. str() is safe to log."""


class SignatureInvalid(WebhookRefused):
    """A webhook whose Stripe-Signature is missing or wrong, or dated too far from now (past or future)."""


class EventMalformed(WebhookRefused):
    """A correctly signed webhook whose body is not the shape of a Stripe event the shop reads."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str  # "" once the session is no longer open
    status: str  # "open", "complete" or "expired"
    payment_status: str  # "unpaid", "paid" or "no_payment_required"
    payment_intent: str  # "" until the shopper has tried a card
    amount_total: int  # cents
    currency: str
    metadata: dict


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount: int  # cents


def card_enabled() -> bool:
    """True when a Stripe secret key is configured."""
    return bool(settings.STRIPE_SECRET_KEY)


def to_cents(amount: Decimal) -> int:
    """Dollars to integer cents, exactly; ValueError for anything that is not a whole number of cents."""
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"Not an amount: {amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"Not a whole number of cents: {amount}")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Integer cents to dollars with two decimal places."""
    return (Decimal(int(cents)) / 100).quantize(_CENT)


def checkout_session_create(
    *,
    reference: str,
    payment_id: int,
    amount: Decimal,
    email: str,
    description: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime,
    language: str,
    idempotency_key: str,
) -> CheckoutSession:
    """Open a hosted Checkout session for one payment of `amount` CAD."""
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    metadata = {"order": reference, "payment": str(payment_id)}
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": to_cents(amount),
                    "product_data": {"name": description},
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": reference,
        "customer_email": email,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "locale": "fr" if language.lower().startswith("fr") else "en",
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    try:
        session = _client().v1.checkout.sessions.create(params=params, options={"idempotency_key": idempotency_key})
    except stripe.StripeError as exc:
        raise _gateway_error("create checkout session", exc) from exc
    return _checkout_session(session)


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    """The session as Stripe sees it now."""
    try:
        session = _client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise _gateway_error("retrieve checkout session", exc) from exc
    return _checkout_session(session)


def checkout_session_expire(session_id: str) -> CheckoutSession:
    """Close an open session; a session already complete or expired is returned as it is."""
    try:
        session = _client().v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError as exc:
        if exc.http_status != 400:
            raise _gateway_error("expire checkout session", exc) from exc
        current = checkout_session_retrieve(session_id)
        if current.status in ("complete", "expired"):
            return current
        raise _gateway_error("expire checkout session", exc) from exc
    except stripe.StripeError as exc:
        raise _gateway_error("expire checkout session", exc) from exc
    return _checkout_session(session)


def refund_create(*, payment_intent: str, amount: Decimal, idempotency_key: str, metadata: dict) -> RefundResult:
    """Refund `amount` CAD of a paid payment intent."""
    params = {"payment_intent": payment_intent, "amount": to_cents(amount), "metadata": metadata}
    try:
        refund = _client().v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})
    except stripe.StripeError as exc:
        raise _gateway_error("create refund", exc) from exc
    data = refund.to_dict()
    return RefundResult(id=data["id"], status=data["status"], amount=int(data["amount"]))


def event_verify(*, payload: bytes, signature: str) -> dict:
    """The webhook event in `payload` once its Stripe-Signature header checks out against our webhook secret.
    Raises SignatureInvalid (not from Stripe, or not now) or EventMalformed (signed, but not an event we can read)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise SignatureInvalid("No webhook secret is configured.")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, WEBHOOK_TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError as exc:
        raise SignatureInvalid(str(exc)) from exc
    timestamp = _signature_timestamp(signature)
    if timestamp > time.time() + WEBHOOK_TOLERANCE_SECONDS:
        raise SignatureInvalid(f"Timestamp {timestamp} is in the future, outside the tolerance zone.")
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise EventMalformed(f"The body is not JSON: {exc}") from exc
    if problem := _event_problem(event, payload):
        raise EventMalformed(problem)
    return event


def _signature_timestamp(header: str) -> int:
    """The t= of a Stripe-Signature header that verify_header accepted (so it has exactly one, an integer)."""
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        if key == "t":
            return int(value)
    raise SignatureInvalid("No timestamp in the signature.")


# The fields of the event's object that payments.services.card reads, with the JSON types Stripe sends them as
# (None: the field may be null or absent). Other event types are acknowledged and ignored, so only their envelope
# is checked.
_STR, _INT, _DICT = (str, type(None)), (int, type(None)), (dict, type(None))
_OBJECT_FIELDS = {
    "checkout.session.": {"id": (str,), "payment_status": _STR, "amount_total": _INT, "currency": _STR,
                          "payment_intent": _STR, "metadata": _DICT},
    "payment_intent.": {"id": (str,), "amount": _INT, "amount_received": _INT, "currency": _STR,
                        "metadata": _DICT, "last_payment_error": _DICT},
}


def _event_problem(event: Any, payload: bytes) -> str:
    """Why `event` is not an event the shop can read, or "" when it is."""
    if not isinstance(event, dict):
        return f"The body is a JSON {type(event).__name__}, not an object."
    if b"\\u0000" in payload:
        return "The body holds a NUL character."
    for field, limit in (("id", 255), ("type", 100)):
        value = event.get(field)
        if not isinstance(value, str) or not value or len(value) > limit:
            return f"The event's {field!r} is not a string of 1 to {limit} characters."
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "The event has no data.object, or it is not an object."
    obj = data["object"]
    for prefix, fields in _OBJECT_FIELDS.items():
        if event["type"].startswith(prefix):
            for field, types in fields.items():
                value = obj.get(field)
                if not isinstance(value, types) or isinstance(value, bool):
                    return f"data.object.{field} of a {event['type']} event is a {type(value).__name__}."
            error = obj.get("last_payment_error") or {}
            if not isinstance(error.get("message"), _STR):
                return "data.object.last_payment_error.message is not a string."
    return ""


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayError("Card payment is not configured (STRIPE_SECRET_KEY is empty).")
    return _client_for(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@lru_cache(maxsize=8)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key=api_key,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=HTTP_TIMEOUT_SECONDS),
    )


def _checkout_session(session: Any) -> CheckoutSession:
    data = session.to_dict()
    payment_intent = data.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        payment_intent=payment_intent or "",
        amount_total=int(data.get("amount_total") or 0),
        currency=data.get("currency") or "",
        metadata=dict(data.get("metadata") or {}),
    )


def _gateway_error(action: str, exc: stripe.StripeError) -> GatewayError:
    status = exc.http_status
    retryable = isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError) or (status or 0) >= 500
    where = f"HTTP {status}" if status else "no response"
    code = f", {exc.code}" if exc.code else ""
    message = f"Stripe could not {action} ({type(exc).__name__}, {where}{code}): {exc.user_message or 'no message'}"
    return GatewayError(message, http_status=status, code=exc.code, retryable=retryable)
