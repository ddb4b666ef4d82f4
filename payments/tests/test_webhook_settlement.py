"""A card order is paid only by money that has settled, in CAD: a Checkout session completed by a payment method
that settles days later (a bank debit) waits for checkout.session.async_payment_succeeded or _failed, and a payment
in another currency is flagged for staff instead. Every event goes through the webhook endpoint, signed by the fake
Stripe."""

from datetime import timedelta
from decimal import Decimal
from itertools import permutations

import pytest
from django.utils import timezone

from inventory.models import Stock
from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Invoice, Payment, Refund, StripeEvent
from payments.tests.helpers import webhook_post

pytestmark = pytest.mark.django_db

COMPLETED = "checkout.session.completed"
PROCESSING = "payment_intent.processing"
ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded"
ASYNC_FAILED = "checkout.session.async_payment_failed"
INTENT_SUCCEEDED = "payment_intent.succeeded"
INTENT_FAILED = "payment_intent.payment_failed"
NOT_SETTLED = "completed, payment not settled yet"


def event_of(fake, type_: str, session_id: str) -> dict:
    """The one event of that type the fake Stripe sent about this session (or its payment intent)."""
    intent = fake.sessions[session_id]["payment_intent"]
    [found] = [e for e in fake.events if e["type"] == type_ and e["data"]["object"]["id"] in (session_id, intent)]
    return found


def deliver(client, fake, event: dict) -> str:
    """Post the event as Stripe does; the shop's answer (what it did)."""
    response = webhook_post(client, fake, event)
    assert response.status_code == 200
    return response.content.decode()


def receipts(order) -> int:
    return OutboxEmail.objects.filter(reference=order.number, subject__contains="payment of").count()


def assert_paid_once(order, payment) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.attention == ""
    assert order.events.filter(status=Order.Status.PAID).count() == 1
    assert list(Payment.objects.filter(order=order).values_list("pk", "status", "amount")) == [
        (payment.pk, Payment.Status.SUCCEEDED, Decimal("34.13"))]
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("paid", Decimal("34.13"), Decimal("0.00"))
    assert receipts(order) == 1


def assert_still_waiting(order, payment, *, payment_status) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert not order.events.filter(status=Order.Status.PAID).exists()
    assert Payment.objects.get(pk=payment.pk).status == payment_status
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("open", Decimal("0.00"), Decimal("34.13"))
    assert receipts(order) == 0


def test_a_session_completed_while_its_bank_debit_is_still_processing_does_not_mark_the_order_paid(
    client, stripe_fake, card_order, mug
):
    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)

    outcomes = [deliver(client, stripe_fake, event_of(stripe_fake, type_, payment.provider_id))
                for type_ in (COMPLETED, PROCESSING)]

    assert outcomes == [NOT_SETTLED, "ignored"]
    assert_still_waiting(order, payment, payment_status=Payment.Status.PENDING)
    assert order.attention == ""
    assert Stock.objects.get(variant=mug).reserved == 1


def test_a_payment_in_another_currency_is_flagged_for_staff_and_does_not_mark_the_order_paid(
    client, stripe_fake, card_order
):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id, currency="usd")  # 3413 cents, as asked, but US dollars

    outcomes = [deliver(client, stripe_fake, event_of(stripe_fake, type_, payment.provider_id))
                for type_ in (COMPLETED, INTENT_SUCCEEDED)]

    assert outcomes == [f"payment {payment.pk} amount mismatch, flagged", f"payment {payment.pk} already succeeded"]
    assert_still_waiting(order, payment, payment_status=Payment.Status.SUCCEEDED)
    payment.refresh_from_db()
    assert (payment.amount, payment.failure_message) == (Decimal("34.13"), "Received $34.13 USD instead of $34.13.")
    flag = (f"Card payment {payment.pk}: Received $34.13 USD instead of $34.13. Check it and mark the order paid or "
            "refund.")
    assert order.attention == flag
    assert list(order.events.values_list("status", "note")) == [("received", ""), ("received", flag)]


def test_a_bank_debit_that_succeeds_later_marks_the_order_paid_once_and_redeliveries_change_nothing(
    client, stripe_fake, card_order
):
    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)
    assert deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, payment.provider_id)) == NOT_SETTLED
    stripe_fake.session_settle(payment.provider_id, succeeded=True)
    succeeded = event_of(stripe_fake, ASYNC_SUCCEEDED, payment.provider_id)

    assert deliver(client, stripe_fake, succeeded) == f"payment {payment.pk} succeeded, order paid"

    assert_paid_once(order, payment)
    payment.refresh_from_db()
    assert payment.payment_intent == stripe_fake.sessions[payment.provider_id]["payment_intent"]
    later = event_of(stripe_fake, INTENT_SUCCEEDED, payment.provider_id)
    assert deliver(client, stripe_fake, later) == f"payment {payment.pk} already succeeded"
    assert [deliver(client, stripe_fake, succeeded) for _ in range(3)] == ["duplicate"] * 3
    assert_paid_once(order, payment)
    assert StripeEvent.objects.count() == 3


@pytest.mark.parametrize("arrival", list(permutations((COMPLETED, ASYNC_SUCCEEDED, INTENT_SUCCEEDED))),
                         ids=lambda arrival: " then ".join(arrival))
def test_the_events_of_a_bank_debit_that_succeeds_pay_the_order_once_in_any_order_and_delivered_twice(
    client, stripe_fake, card_order, arrival
):
    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)
    stripe_fake.session_settle(payment.provider_id, succeeded=True)
    events = [event_of(stripe_fake, type_, payment.provider_id) for type_ in arrival]

    first = [deliver(client, stripe_fake, event) for event in events]
    again = [deliver(client, stripe_fake, event) for event in events]

    paid = f"payment {payment.pk} succeeded, order paid"
    first_success = min(arrival.index(ASYNC_SUCCEEDED), arrival.index(INTENT_SUCCEEDED))
    assert first[first_success] == paid
    assert sorted(first) == sorted([NOT_SETTLED, paid, f"payment {payment.pk} already succeeded"])
    assert again == ["duplicate"] * 3
    assert_paid_once(order, payment)


def test_a_bank_debit_that_fails_leaves_the_order_waiting_with_pay_now_and_the_next_payment_pays_it_once(
    client, stripe_fake, card_order, mug
):
    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)
    assert deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, payment.provider_id)) == NOT_SETTLED
    stripe_fake.session_settle(payment.provider_id, succeeded=False)

    outcome = deliver(client, stripe_fake, event_of(stripe_fake, ASYNC_FAILED, payment.provider_id))

    assert outcome == f"payment {payment.pk} failed"
    assert_still_waiting(order, payment, payment_status=Payment.Status.FAILED)
    assert Payment.objects.get(pk=payment.pk).failure_message == "The payment did not go through."
    assert Stock.objects.get(variant=mug).reserved == 1
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Your last payment attempt did not go through: The payment did not go through." in page
    assert "Pay now" in page
    late_failure = event_of(stripe_fake, INTENT_FAILED, payment.provider_id)
    assert deliver(client, stripe_fake, late_failure) == f"payment {payment.pk} already failed"

    # The customer presses "Pay now": a new Checkout session, paid by card this time.
    response = client.post(f"/orders/{order.number}/pay/", {"t": order.access_token})
    second = Payment.objects.exclude(pk=payment.pk).get(order=order)
    assert response.status_code == 302 and response["Location"] == second.checkout_url
    stripe_fake.session_pay(second.provider_id)
    assert deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, second.provider_id)) == (
        f"payment {second.pk} succeeded, order paid")
    assert deliver(client, stripe_fake, event_of(stripe_fake, INTENT_SUCCEEDED, second.provider_id)) == (
        f"payment {second.pk} already succeeded")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.events.filter(status=Order.Status.PAID).count() == 1
    assert list(Payment.objects.filter(order=order).order_by("pk").values_list("status", "amount")) == [
        (Payment.Status.FAILED, Decimal("34.13")), (Payment.Status.SUCCEEDED, Decimal("34.13"))]
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("paid", Decimal("34.13"), Decimal("0.00"))
    assert receipts(order) == 1


def test_a_bank_debit_that_settles_after_the_customer_paid_again_by_card_is_refunded_not_kept(
    client, stripe_fake, card_order, django_capture_on_commit_callbacks
):
    order, debit = card_order
    stripe_fake.session_pay_delayed(debit.provider_id)
    assert deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, debit.provider_id)) == NOT_SETTLED
    # Half an hour later the order still waits, and the customer pays by card through "Pay now".
    Payment.objects.filter(pk=debit.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    client.post(f"/orders/{order.number}/pay/", {"t": order.access_token})
    card = Payment.objects.exclude(pk=debit.pk).get(order=order)
    stripe_fake.session_pay(card.provider_id)
    assert deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, card.provider_id)) == (
        f"payment {card.pk} succeeded, order paid")
    stripe_fake.session_settle(debit.provider_id, succeeded=True)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = deliver(client, stripe_fake, event_of(stripe_fake, ASYNC_SUCCEEDED, debit.provider_id))

    assert outcome == f"payment {debit.pk} succeeded for a paid order, refunded"
    order.refresh_from_db()
    why = "Card payment received for an order that is Paid: refunded."
    assert (order.status, order.attention) == (Order.Status.PAID, why)
    assert list(order.events.values_list("status", "note")) == [
        ("received", ""), ("paid", "Card payment received"), ("paid", why), ("paid", f"Refund of $34.13: {why}")]
    [refund] = Refund.objects.filter(order=order)
    assert (refund.payment_id, refund.amount, refund.status) == (debit.pk, Decimal("34.13"), Refund.Status.SUCCEEDED)
    debit_intent = stripe_fake.sessions[debit.provider_id]["payment_intent"]
    assert [(r["payment_intent"], r["amount"]) for r in stripe_fake.refunds.values()] == [(debit_intent, 3413)]
    invoice = Invoice.objects.get(order=order)
    assert (invoice.amount_paid, invoice.amount_refunded, invoice.balance) == (
        Decimal("68.26"), Decimal("34.13"), Decimal("0.00"))
    assert receipts(order) == 1


def failed_bank_debit(client, stripe_fake, card_order):
    """A card order whose bank debit completed its Checkout session, then failed (async_payment_failed delivered)."""
    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)
    deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, payment.provider_id))
    stripe_fake.session_settle(payment.provider_id, succeeded=False)
    deliver(client, stripe_fake, event_of(stripe_fake, ASYNC_FAILED, payment.provider_id))
    return order, payment


def test_an_order_whose_bank_debit_failed_expires_in_time_and_its_stock_comes_back(
    client, stripe_fake, card_order, mug, settings
):
    from payments.services.expiry import orders_expire_unpaid

    order, payment = failed_bank_debit(client, stripe_fake, card_order)
    later = timezone.now() + timedelta(minutes=settings.SHOP_PAYMENT_EXPIRY_MINUTES + 1)

    assert orders_expire_unpaid(now=later) == [order.number]

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert Stock.objects.get(variant=mug).reserved == 0


def test_an_order_whose_bank_debit_is_still_settling_is_not_expired(client, stripe_fake, card_order, mug, settings):
    from payments.services.expiry import orders_expire_unpaid

    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)
    deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, payment.provider_id))
    later = timezone.now() + timedelta(minutes=settings.SHOP_PAYMENT_EXPIRY_MINUTES + 1)

    assert orders_expire_unpaid(now=later) == []  # the money may still come: the stock stays held for it

    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
    assert Stock.objects.get(variant=mug).reserved == 1


def test_the_customer_cancels_an_order_whose_bank_debit_failed(client, stripe_fake, card_order, mug):
    order, payment = failed_bank_debit(client, stripe_fake, card_order)

    response = client.post(f"/orders/{order.number}/cancel/", {"t": order.access_token}, follow=True)

    assert response.redirect_chain[-1] == (order.get_absolute_url(), 302)
    assert f"Your order {order.number} is cancelled." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert Stock.objects.get(variant=mug).reserved == 0
