"""The webhook is the only way a card payment becomes "received": verified, idempotent, order-independent."""

import json
import time
from decimal import Decimal

import pytest

from inventory.models import Stock
from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Invoice, Payment, StripeEvent
from payments.tests.helpers import webhook_post

pytestmark = pytest.mark.django_db


def events_of(fake, type_):
    return [event for event in fake.events if event["type"] == type_]


def test_a_paid_checkout_session_marks_the_order_paid_and_sends_a_receipt(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    [completed] = events_of(stripe_fake, "checkout.session.completed")

    response = webhook_post(client, stripe_fake, completed)

    assert response.status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert (payment.status, payment.amount) == (Payment.Status.SUCCEEDED, Decimal("34.13"))
    assert payment.payment_intent.startswith("pi_")
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("paid", Decimal("34.13"), Decimal("0.00"))
    assert order.events.filter(status="paid").count() == 1
    receipt = OutboxEmail.objects.get(reference=order.number, subject__contains="payment of $34.13 received")
    assert "paid in full" in receipt.text_body


def test_a_correctly_signed_event_dated_in_the_future_is_refused_and_the_same_event_dated_now_pays(
    client, stripe_fake, card_order
):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    [completed] = events_of(stripe_fake, "checkout.session.completed")
    payload = json.dumps(completed).encode()
    ahead = stripe_fake.sign(payload, timestamp=int(time.time()) + 600)  # a captured request replayed later

    refused = client.post("/payments/stripe/webhook/", data=payload, content_type="application/json",
                          HTTP_STRIPE_SIGNATURE=ahead)

    assert refused.status_code == 400
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED and not StripeEvent.objects.exists()
    assert webhook_post(client, stripe_fake, completed).status_code == 200
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_bad_signature_is_refused_with_400_and_changes_nothing(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    [completed] = events_of(stripe_fake, "checkout.session.completed")
    payload = json.dumps(completed).encode()
    forged = stripe_fake.sign(payload, secret="whsec_someone_else")
    tampered = json.dumps({**completed, "id": "evt_other"}).encode()

    responses = [
        webhook_post(client, stripe_fake, completed, signature=forged),
        webhook_post(client, stripe_fake, completed, signature=""),
        webhook_post(client, stripe_fake, completed, signature="t=1,v1=deadbeef"),
        client.post("/payments/stripe/webhook/", data=tampered, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=stripe_fake.sign(payload)),
        client.post("/payments/stripe/webhook/", data=b"not json", content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=stripe_fake.sign(b"not json")),
    ]

    assert [r.status_code for r in responses] == [400] * 5
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.RECEIVED and payment.status == Payment.Status.PENDING
    assert not StripeEvent.objects.exists()


def test_the_same_event_delivered_ten_times_records_one_payment(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    [completed] = events_of(stripe_fake, "checkout.session.completed")

    statuses = [webhook_post(client, stripe_fake, completed).status_code for _ in range(10)]

    assert statuses == [200] * 10
    assert Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).count() == 1
    assert Invoice.objects.get(order=order).amount_paid == Decimal("34.13")
    assert Order.objects.get(pk=order.pk).events.filter(status="paid").count() == 1
    assert OutboxEmail.objects.filter(reference=order.number, subject__contains="payment of").count() == 1
    assert StripeEvent.objects.get().outcome.endswith("order paid")


def test_both_success_events_in_either_order_count_once(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    completed = events_of(stripe_fake, "checkout.session.completed")[0]
    succeeded = events_of(stripe_fake, "payment_intent.succeeded")[0]

    assert webhook_post(client, stripe_fake, succeeded).status_code == 200  # the intent's event arrives first
    assert webhook_post(client, stripe_fake, completed).status_code == 200

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert Invoice.objects.get(order=order).amount_paid == Decimal("34.13")
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert list(StripeEvent.objects.order_by("received_at").values_list("outcome", flat=True)) == [
        f"payment {payment.pk} succeeded, order paid", f"payment {payment.pk} already succeeded"]


def test_a_failure_arriving_after_the_success_does_not_undo_it(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_decline(payment.provider_id)  # first card declined ...
    stripe_fake.session_pay(payment.provider_id)  # ... second card accepted on the same page
    failed = events_of(stripe_fake, "payment_intent.payment_failed")[0]
    completed = events_of(stripe_fake, "checkout.session.completed")[0]

    webhook_post(client, stripe_fake, completed)
    webhook_post(client, stripe_fake, failed)  # delivered late

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.failure_message == ""
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_declined_card_is_recorded_and_the_order_keeps_its_stock(client, stripe_fake, card_order, mug):
    order, payment = card_order
    stripe_fake.session_decline(payment.provider_id)

    webhook_post(client, stripe_fake, events_of(stripe_fake, "payment_intent.payment_failed")[0])

    payment.refresh_from_db()
    assert (payment.status, payment.failure_message) == (Payment.Status.FAILED, "Your card was declined.")
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
    assert Stock.objects.get(variant=mug).reserved == 1
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Your card was declined." in page and "Pay now" in page


def test_unknown_event_types_are_acknowledged_and_ignored(client, stripe_fake, card_order):
    order, _payment = card_order
    event = stripe_fake.event_build("customer.created", {"id": "cus_1", "object": "customer"})

    response = webhook_post(client, stripe_fake, event)

    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored"
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED


def test_a_payment_of_the_wrong_amount_is_flagged_and_the_order_is_not_marked_paid(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id, amount_cents=3000)

    for event in stripe_fake.events:
        webhook_post(client, stripe_fake, event)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert "Received $30.00 CAD instead of $34.13" in order.attention
    assert (payment.status, payment.amount) == (Payment.Status.SUCCEEDED, Decimal("30.00"))
    assert Invoice.objects.get(order=order).balance == Decimal("4.13")
    assert not OutboxEmail.objects.filter(subject__contains="payment of").exists()


def test_an_expired_session_is_recorded_as_abandoned_and_the_customer_can_pay_again(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_expire(payment.provider_id)

    webhook_post(client, stripe_fake, events_of(stripe_fake, "checkout.session.expired")[0])

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED
    response = client.post(f"/orders/{order.number}/pay/", {"t": order.access_token})
    second = Payment.objects.exclude(pk=payment.pk).get(order=order)
    assert response.status_code == 302 and response["Location"] == second.checkout_url
    assert second.status == Payment.Status.PENDING and second.provider_id != payment.provider_id


def test_a_signature_dated_an_hour_ahead_is_refused_with_400_and_changes_nothing(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    [completed] = events_of(stripe_fake, "checkout.session.completed")
    ahead = stripe_fake.sign(json.dumps(completed).encode(), timestamp=int(time.time()) + 3600)

    response = webhook_post(client, stripe_fake, completed, signature=ahead)

    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    assert not StripeEvent.objects.exists()


def _object_with(event: dict, **fields) -> dict:
    """The event with some fields of its object replaced."""
    return {**event, "data": {"object": {**event["data"]["object"], **fields}}}


FAILED = {"type": "payment_intent.payment_failed"}
MALFORMED = {
    "a list": lambda completed, succeeded: [completed],
    "a string": lambda completed, succeeded: "checkout.session.completed",
    "no type": lambda completed, succeeded: {k: v for k, v in completed.items() if k != "type"},
    "a number as type": lambda completed, succeeded: {**completed, "type": 7},
    "no id": lambda completed, succeeded: {k: v for k, v in completed.items() if k != "id"},
    "no data": lambda completed, succeeded: {k: v for k, v in completed.items() if k != "data"},
    "data without object": lambda completed, succeeded: {**completed, "data": {}},
    "data as a list": lambda completed, succeeded: {**completed, "data": [completed["data"]]},
    "object as a string": lambda completed, succeeded: {**completed, "data": {"object": "cs_test"}},
    "amount as a string": lambda completed, succeeded: _object_with(completed, amount_total="3413"),
    "amount as true": lambda completed, succeeded: _object_with(completed, amount_total=True),
    "payment intent expanded": lambda completed, succeeded: _object_with(
        completed, payment_intent={"id": completed["data"]["object"]["payment_intent"]}),
    "session id as a number": lambda completed, succeeded: _object_with(completed, id=12),
    "metadata as a string": lambda completed, succeeded: _object_with(succeeded, metadata="payment=1"),
    "error as a string": lambda completed, succeeded: {**_object_with(succeeded, last_payment_error="no"), **FAILED},
    "error message as a list": lambda completed, succeeded: {
        **_object_with(succeeded, last_payment_error={"message": ["declined"]}), **FAILED},
    "a NUL character": lambda completed, succeeded: {**completed, "id": "evt_\x00"},
}


@pytest.mark.parametrize("shape", MALFORMED)
def test_a_signed_event_of_an_unexpected_shape_is_refused_with_400_logged_and_changes_nothing(
    client, stripe_fake, card_order, caplog, shape
):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    [completed] = events_of(stripe_fake, "checkout.session.completed")
    [succeeded] = events_of(stripe_fake, "payment_intent.succeeded")
    payload = json.dumps(MALFORMED[shape](completed, succeeded)).encode()

    with caplog.at_level("WARNING", logger="payments.views"):
        response = client.post("/payments/stripe/webhook/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=stripe_fake.sign(payload))

    assert response.status_code == 400
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name == "payments.views"] == [
        "Stripe webhook with an unexpected shape from 127.0.0.1"]
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    assert not StripeEvent.objects.exists()
