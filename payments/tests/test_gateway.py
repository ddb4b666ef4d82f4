"""The gateway drives the real stripe library against the local fake Stripe."""

import json
import socket
import time
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.utils import timezone

from payments import gateway


def _session_create(**overrides) -> gateway.CheckoutSession:
    params = {
        "reference": "C-1001",
        "payment_id": 7,
        "amount": Decimal("12.34"),
        "email": "ada@example.com",
        "description": "Order C-1001",
        "success_url": "http://shop.test/payments/done/?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/orders/C-1001/",
        "expires_at": timezone.now() + timedelta(hours=1),
        "language": "en",
        "idempotency_key": "comptoir-payment-7",
    }
    return gateway.checkout_session_create(**{**params, **overrides})


def _paid_session(fake, *, amount: Decimal) -> gateway.CheckoutSession:
    session = _session_create(amount=amount, idempotency_key=f"pay-{amount}")
    fake.session_pay(session.id)
    return gateway.checkout_session_retrieve(session.id)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_to_cents_is_exact():
    assert gateway.to_cents(Decimal("12.34")) == 1234
    assert gateway.to_cents(Decimal("0.10")) == 10
    assert gateway.to_cents(Decimal("1200")) == 120000
    with pytest.raises(ValueError):
        gateway.to_cents(Decimal("12.345"))


def test_from_cents_has_two_places():
    assert str(gateway.from_cents(1234)) == "12.34"
    assert str(gateway.from_cents(1200)) == "12.00"
    assert str(gateway.from_cents(5)) == "0.05"


def test_card_enabled_follows_the_secret_key(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert gateway.card_enabled() is False
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert gateway.card_enabled() is True


def test_a_call_without_a_secret_key_is_a_gateway_error(settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(gateway.GatewayError):
        gateway.checkout_session_retrieve("cs_test_x")


def test_checkout_session_create_sends_the_order_to_stripe(stripe_fake):
    expires_at = timezone.now() + timedelta(hours=1)

    session = _session_create(expires_at=expires_at, language="fr-ca")

    assert session.id.startswith("cs_test_")
    assert session.url == f"{stripe_fake.api_base}/pay/{session.id}"
    assert (session.status, session.payment_status, session.payment_intent) == ("open", "unpaid", "")
    assert (session.amount_total, session.currency) == (1234, "cad")
    assert session.metadata == {"order": "C-1001", "payment": "7"}
    stored = stripe_fake.sessions[session.id]
    assert stored["client_reference_id"] == "C-1001"
    assert stored["customer_email"] == "ada@example.com"
    assert stored["locale"] == "fr"
    assert stored["mode"] == "payment"
    assert stored["expires_at"] == int(expires_at.timestamp())
    assert stored["success_url"] == "http://shop.test/payments/done/?session={CHECKOUT_SESSION_ID}"
    assert stored["cancel_url"] == "http://shop.test/orders/C-1001/"
    assert stripe_fake.line_items[session.id] == [
        {"price_data": {"currency": "cad", "unit_amount": 1234, "product_data": {"name": "Order C-1001"}},
         "quantity": 1}
    ]
    assert stripe_fake.payment_intent_data[session.id] == {"metadata": {"order": "C-1001", "payment": "7"}}


def test_the_session_url_serves_the_payment_page(stripe_fake):
    session = _session_create()

    with urllib.request.urlopen(session.url, timeout=5) as response:
        page = response.read().decode()

    assert response.status == 200
    assert "Pay comptoir" in page
    assert "$12.34 CAD" in page
    assert "ada@example.com" in page


def test_the_same_idempotency_key_returns_the_same_session(stripe_fake):
    expires_at = timezone.now() + timedelta(hours=1)

    first = _session_create(idempotency_key="comptoir-payment-9", expires_at=expires_at)
    second = _session_create(idempotency_key="comptoir-payment-9", expires_at=expires_at)

    assert second == first
    assert list(stripe_fake.sessions) == [first.id]


def test_the_same_idempotency_key_with_other_parameters_is_a_gateway_error(stripe_fake):
    _session_create(idempotency_key="comptoir-payment-9", amount=Decimal("12.34"))

    with pytest.raises(gateway.GatewayError) as caught:
        _session_create(idempotency_key="comptoir-payment-9", amount=Decimal("12.35"))

    assert caught.value.http_status == 400
    assert len(stripe_fake.sessions) == 1


def test_a_session_that_stripe_refuses_is_a_gateway_error(stripe_fake):
    with pytest.raises(gateway.GatewayError) as caught:
        _session_create(expires_at=timezone.now() + timedelta(minutes=10))

    assert caught.value.http_status == 400
    assert caught.value.retryable is False
    assert "expires_at" in str(caught.value)
    assert stripe_fake.sessions == {}


def test_retrieve_returns_the_session_as_it_is_now(stripe_fake):
    session = _session_create()
    stripe_fake.session_pay(session.id)

    current = gateway.checkout_session_retrieve(session.id)

    assert (current.status, current.payment_status) == ("complete", "paid")
    assert current.payment_intent.startswith("pi_")
    assert current.amount_total == 1234
    assert current.url == ""


def test_retrieve_of_an_unknown_session_is_a_gateway_error(stripe_fake):
    with pytest.raises(gateway.GatewayError) as caught:
        gateway.checkout_session_retrieve("cs_test_nope")

    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")


def test_expire_closes_an_open_session(stripe_fake):
    session = _session_create()

    expired = gateway.checkout_session_expire(session.id)

    assert expired.status == "expired"
    assert [event["type"] for event in stripe_fake.events] == ["checkout.session.expired"]
    assert stripe_fake.events[0]["data"]["object"]["id"] == session.id


def test_expire_of_a_paid_session_returns_it_complete(stripe_fake):
    session = _session_create()
    stripe_fake.session_pay(session.id)

    current = gateway.checkout_session_expire(session.id)

    assert (current.status, current.payment_status) == ("complete", "paid")
    assert "checkout.session.expired" not in [event["type"] for event in stripe_fake.events]


def test_expire_twice_returns_the_expired_session(stripe_fake):
    session = _session_create()
    gateway.checkout_session_expire(session.id)

    assert gateway.checkout_session_expire(session.id).status == "expired"
    assert len(stripe_fake.events) == 1


def test_a_full_refund(stripe_fake):
    session = _paid_session(stripe_fake, amount=Decimal("50.00"))

    refund = gateway.refund_create(payment_intent=session.payment_intent, amount=Decimal("50.00"),
                                   idempotency_key="comptoir-refund-1", metadata={"order": "1", "refund": "1"})

    assert refund.id.startswith("re_")
    assert (refund.status, refund.amount) == ("succeeded", 5000)
    assert stripe_fake.refunds[refund.id]["metadata"] == {"order": "1", "refund": "1"}
    assert stripe_fake.events[-1]["type"] == "charge.refunded"
    assert stripe_fake.events[-1]["data"]["object"]["refunded"] is True


def test_partial_refunds_up_to_what_was_paid(stripe_fake):
    session = _paid_session(stripe_fake, amount=Decimal("50.00"))

    first = gateway.refund_create(payment_intent=session.payment_intent, amount=Decimal("20.00"),
                                  idempotency_key="comptoir-refund-1", metadata={})
    second = gateway.refund_create(payment_intent=session.payment_intent, amount=Decimal("30.00"),
                                   idempotency_key="comptoir-refund-2", metadata={})

    assert (first.amount, second.amount) == (2000, 3000)
    assert len(stripe_fake.refunds) == 2


def test_a_refund_retried_with_its_key_is_made_once(stripe_fake):
    session = _paid_session(stripe_fake, amount=Decimal("50.00"))
    params = {"payment_intent": session.payment_intent, "amount": Decimal("20.00"),
              "idempotency_key": "comptoir-refund-1", "metadata": {"refund": "1"}}

    assert gateway.refund_create(**params) == gateway.refund_create(**params)
    assert len(stripe_fake.refunds) == 1


def test_refunding_more_than_is_left_is_a_gateway_error(stripe_fake):
    session = _paid_session(stripe_fake, amount=Decimal("50.00"))
    gateway.refund_create(payment_intent=session.payment_intent, amount=Decimal("40.00"),
                          idempotency_key="comptoir-refund-1", metadata={})

    with pytest.raises(gateway.GatewayError) as caught:
        gateway.refund_create(payment_intent=session.payment_intent, amount=Decimal("10.01"),
                              idempotency_key="comptoir-refund-2", metadata={})

    assert (caught.value.http_status, caught.value.code) == (400, "amount_too_large")
    assert isinstance(caught.value.__cause__, stripe.InvalidRequestError)
    assert len(stripe_fake.refunds) == 1


def test_stripe_down_is_a_quick_gateway_error(stripe_fake):
    stripe_fake.unavailable = True
    started = time.monotonic()

    with pytest.raises(gateway.GatewayError) as caught:
        _session_create()

    assert time.monotonic() - started < 5
    assert caught.value.http_status == 500
    assert caught.value.retryable is True
    assert isinstance(caught.value.__cause__, stripe.APIError)
    assert "sk_test" not in str(caught.value)


def test_stripe_unreachable_is_a_gateway_error(stripe_fake, settings):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{_closed_port()}"

    with pytest.raises(gateway.GatewayError) as caught:
        gateway.checkout_session_retrieve("cs_test_x")

    assert caught.value.retryable is True
    assert isinstance(caught.value.__cause__, stripe.APIConnectionError)


def test_event_verify_accepts_what_the_fake_signs(stripe_fake):
    event = stripe_fake.event_build("checkout.session.expired", {"id": "cs_test_x", "object": "checkout.session"})
    payload = json.dumps(event).encode()

    assert gateway.event_verify(payload=payload, signature=stripe_fake.sign(payload)) == event


def test_event_verify_rejects_a_tampered_payload(stripe_fake):
    payload = json.dumps(stripe_fake.event_build("payment_intent.succeeded", {"amount": 100})).encode()
    signature = stripe_fake.sign(payload)

    with pytest.raises(gateway.SignatureInvalid):
        gateway.event_verify(payload=payload.replace(b"100", b"999"), signature=signature)


def test_event_verify_rejects_another_secret(stripe_fake):
    payload = json.dumps(stripe_fake.event_build("payment_intent.succeeded", {})).encode()

    with pytest.raises(gateway.SignatureInvalid):
        gateway.event_verify(payload=payload, signature=stripe_fake.sign(payload, secret="whsec_someone_else"))


def test_event_verify_rejects_a_missing_signature(stripe_fake):
    payload = json.dumps(stripe_fake.event_build("payment_intent.succeeded", {})).encode()

    with pytest.raises(gateway.SignatureInvalid):
        gateway.event_verify(payload=payload, signature="")


def test_event_verify_rejects_a_signature_older_than_five_minutes(stripe_fake):
    payload = json.dumps(stripe_fake.event_build("payment_intent.succeeded", {})).encode()
    old = stripe_fake.sign(payload, timestamp=int(time.time()) - 301)

    with pytest.raises(gateway.SignatureInvalid):
        gateway.event_verify(payload=payload, signature=old)


def test_event_verify_rejects_a_signature_dated_more_than_five_minutes_ahead(stripe_fake):
    payload = json.dumps(stripe_fake.event_build("payment_intent.succeeded", {"id": "pi_x"})).encode()
    ahead = stripe_fake.sign(payload, timestamp=int(time.time()) + 301)

    with pytest.raises(gateway.SignatureInvalid, match="in the future"):
        gateway.event_verify(payload=payload, signature=ahead)


def test_event_verify_accepts_a_signature_dated_a_minute_ahead_for_clock_skew(stripe_fake):
    event = stripe_fake.event_build("payment_intent.succeeded", {"id": "pi_x"})
    payload = json.dumps(event).encode()

    assert gateway.event_verify(payload=payload, signature=stripe_fake.sign(payload, timestamp=int(time.time()) + 60)) \
        == event


def test_event_verify_rejects_a_signed_body_that_is_not_json(stripe_fake):
    payload = b"not json"

    with pytest.raises(gateway.EventMalformed):
        gateway.event_verify(payload=payload, signature=stripe_fake.sign(payload))


def test_event_verify_without_a_webhook_secret_rejects_everything(stripe_fake, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = json.dumps(stripe_fake.event_build("payment_intent.succeeded", {})).encode()

    with pytest.raises(gateway.SignatureInvalid):
        gateway.event_verify(payload=payload, signature=stripe_fake.sign(payload))


@pytest.mark.parametrize("offset, accepted", [(-301, False), (-300, True), (300, True), (301, False)])
def test_event_verify_accepts_a_signature_up_to_exactly_five_minutes_either_side_of_our_clock(
    stripe_fake, monkeypatch, offset, accepted
):
    now = 1_800_000_000
    monkeypatch.setattr(time, "time", lambda: float(now))  # one frozen clock for the shop and Stripe's library
    event = stripe_fake.event_build("payment_intent.succeeded", {"id": "pi_x"})
    payload = json.dumps(event).encode()
    signature = stripe_fake.sign(payload, timestamp=now + offset)

    if accepted:
        assert gateway.event_verify(payload=payload, signature=signature) == event
    else:
        with pytest.raises(gateway.SignatureInvalid):
            gateway.event_verify(payload=payload, signature=signature)
