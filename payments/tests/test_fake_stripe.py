"""The fake Stripe answers like Stripe over raw HTTP, serves the hosted page and signs its webhooks."""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe
from django.utils import timezone

from payments import gateway
from payments.fake_stripe import FakeStripe, _parse_form

SUCCESS_URL = "http://shop.test/payments/done/?session={CHECKOUT_SESSION_ID}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _http(url: str, *, data: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _api(fake: FakeStripe, path: str, *, data: dict | None = None, key: str = "sk_test_comptoir",
         idempotency_key: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    status, _, body = _http(fake.api_base + path, data=data, headers=headers)
    return status, json.loads(body)


def _session(amount: str = "12.34") -> gateway.CheckoutSession:
    return gateway.checkout_session_create(
        reference="C-1001", payment_id=7, amount=Decimal(amount), email="ada@example.com",
        description="Order C-1001", success_url=SUCCESS_URL, cancel_url="http://shop.test/orders/C-1001/",
        expires_at=timezone.now() + timedelta(hours=1), language="en", idempotency_key=f"pay-{amount}",
    )


def _types(fake: FakeStripe) -> list[str]:
    return [event["type"] for event in fake.events]


class _Receiver:
    """A small local webhook endpoint that keeps what it is sent."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, self.headers.get("Stripe-Signature", "")))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/payments/stripe/webhook/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = _Receiver()
    yield receiver
    receiver.close()


def test_nested_form_keys_are_parsed_as_the_library_sends_them():
    body = urllib.parse.urlencode({
        "line_items[0][price_data][unit_amount]": "1234",
        "line_items[0][price_data][product_data][name]": "Order C-1",
        "line_items[0][quantity]": "1",
        "line_items[1][quantity]": "2",
        "metadata[order]": "C-1",
        "mode": "payment",
    })

    assert _parse_form(body) == {
        "line_items": [{"price_data": {"unit_amount": "1234", "product_data": {"name": "Order C-1"}},
                        "quantity": "1"}, {"quantity": "2"}],
        "metadata": {"order": "C-1"},
        "mode": "payment",
    }


def test_the_api_wants_a_bearer_key(stripe_fake):
    status, body = _api(stripe_fake, "/v1/checkout/sessions/cs_test_x", key="")

    assert status == 401
    assert body["error"]["type"] == "invalid_request_error"


def test_an_unknown_session_is_a_stripe_404(stripe_fake):
    status, body = _api(stripe_fake, "/v1/checkout/sessions/cs_test_nope")

    assert status == 404
    assert body["error"] == {"type": "invalid_request_error", "message": "No such checkout.session: 'cs_test_nope'",
                             "code": "resource_missing", "param": "session"}


def test_a_new_session_is_stripe_shaped(stripe_fake):
    session = _session()

    status, body = _api(stripe_fake, f"/v1/checkout/sessions/{session.id}")

    assert status == 200
    assert body["object"] == "checkout.session"
    assert (body["status"], body["payment_status"], body["payment_intent"]) == ("open", "unpaid", None)
    assert (body["amount_total"], body["currency"], body["livemode"]) == (1234, "cad", False)
    assert body["url"] == f"{stripe_fake.api_base}/pay/{session.id}"
    assert body["metadata"] == {"order": "C-1001", "payment": "7"}


def test_expiring_a_closed_session_is_refused_like_stripe(stripe_fake):
    session = _session()
    assert _api(stripe_fake, f"/v1/checkout/sessions/{session.id}/expire", data={})[0] == 200

    status, body = _api(stripe_fake, f"/v1/checkout/sessions/{session.id}/expire", data={})

    assert status == 400
    assert body["error"]["message"] == 'Only Checkout Sessions with a status in ["open"] can be expired.'
    assert _types(stripe_fake) == ["checkout.session.expired"]


def test_an_idempotency_key_reused_for_other_parameters_is_refused(stripe_fake):
    session = _session()
    stripe_fake.session_pay(session.id)
    intent = stripe_fake.sessions[session.id]["payment_intent"]
    first = _api(stripe_fake, "/v1/refunds", data={"payment_intent": intent, "amount": "100"}, idempotency_key="k1")

    again = _api(stripe_fake, "/v1/refunds", data={"payment_intent": intent, "amount": "100"}, idempotency_key="k1")
    other = _api(stripe_fake, "/v1/refunds", data={"payment_intent": intent, "amount": "200"}, idempotency_key="k1")

    assert again == first
    assert other[0] == 400
    assert other[1]["error"]["type"] == "idempotency_error"
    assert len(stripe_fake.refunds) == 1


def test_refunds_of_unknown_or_unpaid_intents_are_refused(stripe_fake):
    session = _session()
    stripe_fake.session_decline(session.id)
    unpaid = stripe_fake.sessions[session.id]["payment_intent"]

    assert _api(stripe_fake, "/v1/refunds", data={"payment_intent": "pi_nope"})[0] == 400
    assert _api(stripe_fake, "/v1/refunds", data={"payment_intent": unpaid})[0] == 400
    assert stripe_fake.refunds == {}


def test_a_refund_without_an_amount_refunds_what_is_left(stripe_fake):
    session = _session("50.00")
    stripe_fake.session_pay(session.id)
    intent = stripe_fake.sessions[session.id]["payment_intent"]
    _api(stripe_fake, "/v1/refunds", data={"payment_intent": intent, "amount": "1000"})

    status, body = _api(stripe_fake, "/v1/refunds", data={"payment_intent": intent})

    assert status == 200
    assert (body["object"], body["amount"], body["currency"], body["status"]) == ("refund", 4000, "cad", "succeeded")
    assert _api(stripe_fake, "/v1/refunds", data={"payment_intent": intent})[0] == 400


def test_when_unavailable_every_api_call_is_a_500(stripe_fake):
    stripe_fake.unavailable = True

    status, body = _api(stripe_fake, "/v1/checkout/sessions/cs_test_x")

    assert status == 500
    assert body["error"]["type"] == "api_error"


def test_the_payment_page_shows_amount_email_and_a_labelled_form(stripe_fake):
    session = _session()

    status, _, page = _http(session.url)

    assert status == 200
    assert '<html lang="en">' in page
    assert "<main>" in page
    assert "<h1>Pay comptoir</h1>" in page
    assert "$12.34 CAD" in page
    assert "ada@example.com" in page
    for label in ("Card number", "Expiry (MM/YY)", "CVC"):
        assert f">{label}</label>" in page
    assert '<button type="submit">Pay</button>' in page
    assert '<a href="http://shop.test/orders/C-1001/">Back to the shop</a>' in page


def test_a_good_card_pays_and_redirects_to_the_success_url(stripe_fake):
    session = _session()

    status, headers, _ = _http(session.url, data={"cardnumber": "4242 4242 4242 4242", "exp": "12/34", "cvc": "123"})

    assert status == 303
    assert headers["Location"] == f"http://shop.test/payments/done/?session={session.id}"
    assert _types(stripe_fake) == ["checkout.session.completed", "payment_intent.succeeded"]
    completed, succeeded = (event["data"]["object"] for event in stripe_fake.events)
    assert (completed["id"], completed["status"], completed["payment_status"]) == (session.id, "complete", "paid")
    assert completed["payment_intent"] == succeeded["id"]
    assert (succeeded["status"], succeeded["amount_received"]) == ("succeeded", 1234)
    assert succeeded["metadata"] == {"order": "C-1001", "payment": "7"}


def test_a_declined_card_stays_on_the_page_and_can_try_again(stripe_fake):
    session = _session()

    status, _, page = _http(session.url, data={"cardnumber": "4000 0000 0000 0002", "exp": "12/34", "cvc": "123"})

    assert status == 402
    assert '<p role="alert" id="card-error" class="error">Your card was declined.</p>' in page
    assert _types(stripe_fake) == ["payment_intent.payment_failed"]
    failed = stripe_fake.events[0]["data"]["object"]
    assert failed["last_payment_error"]["message"] == "Your card was declined."
    assert failed["metadata"] == {"order": "C-1001", "payment": "7"}
    assert stripe_fake.sessions[session.id]["status"] == "open"

    status, _, _ = _http(session.url, data={"cardnumber": "4242424242424242", "exp": "12/34", "cvc": "123"})

    assert status == 303
    assert _types(stripe_fake) == ["payment_intent.payment_failed", "checkout.session.completed",
                                   "payment_intent.succeeded"]
    assert stripe_fake.events[2]["data"]["object"]["id"] == failed["id"]


def test_a_bad_card_number_is_asked_again(stripe_fake):
    session = _session()

    status, _, page = _http(session.url, data={"cardnumber": "4242", "exp": "12/34", "cvc": "123"})

    assert status == 400
    assert "Your card number is incomplete." in page
    assert stripe_fake.events == []


def test_an_expired_session_cannot_be_paid(stripe_fake):
    session = _session()
    stripe_fake.session_expire(session.id)

    status, _, page = _http(session.url, data={"cardnumber": "4242424242424242"})

    assert status == 200
    assert "This payment page has expired." in page
    assert _types(stripe_fake) == ["checkout.session.expired"]


def test_an_unknown_payment_page_is_a_404(stripe_fake):
    status, _, _ = _http(f"{stripe_fake.api_base}/pay/cs_test_nope")

    assert status == 404


def test_session_pay_can_fake_a_different_amount(stripe_fake):
    session = _session()

    stripe_fake.session_pay(session.id, amount_cents=1000)

    completed, succeeded = (event["data"]["object"] for event in stripe_fake.events)
    assert (completed["amount_total"], succeeded["amount_received"]) == (1000, 1000)


def test_session_pay_can_fake_another_currency(stripe_fake):
    session = _session()

    stripe_fake.session_pay(session.id, currency="usd")

    completed, succeeded = (event["data"]["object"] for event in stripe_fake.events)
    assert (completed["currency"], completed["amount_total"]) == ("usd", 1234)
    assert (succeeded["currency"], succeeded["amount_received"]) == ("usd", 1234)
    assert [charge["currency"] for charge in stripe_fake.charges.values()] == ["usd"]


def test_a_delayed_payment_completes_the_session_unpaid_and_then_succeeds(stripe_fake):
    session = _session()

    stripe_fake.session_pay_delayed(session.id)

    assert _types(stripe_fake) == ["checkout.session.completed", "payment_intent.processing"]
    completed, processing = (event["data"]["object"] for event in stripe_fake.events)
    assert (completed["status"], completed["payment_status"], processing["status"]) == (
        "complete", "unpaid", "processing")
    assert stripe_fake.charges == {}
    assert _api(stripe_fake, f"/v1/checkout/sessions/{session.id}/expire", data={})[0] == 400

    stripe_fake.session_settle(session.id, succeeded=True)

    assert _types(stripe_fake)[2:] == ["checkout.session.async_payment_succeeded", "payment_intent.succeeded"]
    settled, succeeded = (event["data"]["object"] for event in stripe_fake.events[2:])
    assert (settled["status"], settled["payment_status"], settled["amount_total"]) == ("complete", "paid", 1234)
    assert (succeeded["status"], succeeded["amount_received"]) == ("succeeded", 1234)
    assert [charge["amount"] for charge in stripe_fake.charges.values()] == [1234]
    with pytest.raises(ValueError, match="no payment processing"):
        stripe_fake.session_settle(session.id, succeeded=True)


def test_a_delayed_payment_that_fails_leaves_the_session_complete_and_unpaid(stripe_fake):
    session = _session()
    stripe_fake.session_pay_delayed(session.id)

    stripe_fake.session_settle(session.id, succeeded=False)

    assert _types(stripe_fake)[2:] == ["checkout.session.async_payment_failed", "payment_intent.payment_failed"]
    settled, failed = (event["data"]["object"] for event in stripe_fake.events[2:])
    assert (settled["status"], settled["payment_status"]) == ("complete", "unpaid")
    assert (failed["status"], failed["last_payment_error"]["code"]) == ("requires_payment_method", "insufficient_funds")
    assert stripe_fake.charges == {}
    assert _api(stripe_fake, "/v1/refunds", data={"payment_intent": failed["id"]})[0] == 400


def test_the_signature_is_the_one_stripe_computes(stripe_fake):
    payload = b'{"id": "evt_1"}'

    signature = stripe_fake.sign(payload, timestamp=1700000000)

    expected = stripe.WebhookSignature.generate_signature_header(payload.decode(), "whsec_test_comptoir", 1700000000)
    assert signature == expected


def test_events_are_posted_signed_as_they_happen(stripe_fake, receiver):
    stripe_fake.webhook_url = receiver.url
    session = _session()

    stripe_fake.session_pay(session.id)

    assert [json.loads(body)["type"] for body, _ in receiver.received] == ["checkout.session.completed",
                                                                           "payment_intent.succeeded"]
    assert stripe_fake.deliveries == [(event["id"], 200) for event in stripe_fake.events]


def test_held_webhooks_are_posted_in_order_on_release(stripe_fake, receiver):
    stripe_fake.webhook_url = receiver.url
    stripe_fake.hold_webhooks = True
    session = _session()
    stripe_fake.session_pay(session.id)
    assert receiver.received == []
    assert stripe_fake.deliveries == []

    statuses = stripe_fake.release_webhooks()

    assert statuses == [200, 200]
    events = [gateway.event_verify(payload=body, signature=signature) for body, signature in receiver.received]
    assert events == stripe_fake.events
    assert [event["type"] for event in events] == ["checkout.session.completed", "payment_intent.succeeded"]
    assert stripe_fake.release_webhooks() == []


def test_a_webhook_refused_by_the_shop_is_recorded(stripe_fake, receiver):
    receiver.status = 400
    stripe_fake.webhook_url = receiver.url
    event = stripe_fake.event_build("payment_intent.succeeded", {"id": "pi_x"})

    assert stripe_fake.event_send(event) == 400
    assert stripe_fake.deliveries == [(event["id"], 400)]


def test_a_webhook_to_nowhere_is_recorded_as_0(stripe_fake):
    with FakeStripe(webhook_secret="whsec_x") as elsewhere:
        closed = elsewhere.api_base
    stripe_fake.webhook_url = closed + "/payments/stripe/webhook/"
    event = stripe_fake.event_build("payment_intent.succeeded", {"id": "pi_x"})

    assert stripe_fake.event_send(event) == 0
    assert stripe_fake.deliveries == [(event["id"], 0)]


def test_without_a_webhook_url_events_are_only_recorded(stripe_fake):
    session = _session()

    stripe_fake.session_pay(session.id)

    assert len(stripe_fake.events) == 2
    assert stripe_fake.deliveries == []


def test_reset_forgets_everything(stripe_fake):
    session = _session()
    stripe_fake.session_pay(session.id)
    stripe_fake.hold_webhooks = True
    stripe_fake.unavailable = True

    stripe_fake.reset()

    assert (stripe_fake.sessions, stripe_fake.refunds, stripe_fake.events, stripe_fake.deliveries) == ({}, {}, [], [])
    assert (stripe_fake.hold_webhooks, stripe_fake.unavailable) == (False, False)
    assert _session().id != session.id
