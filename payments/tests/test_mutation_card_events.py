"""Card webhook events (make mutation showed these rules untested): a Checkout session's events find their payment
by the session's id, the order row locked is the payment's order, a second bank debit still settling keeps the order
alive after a first one failed, and a long decline message is kept to its column."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order
from payments.models import Invoice, Payment
from payments.services.card import card_payment_start
from payments.services.expiry import orders_expire_unpaid
from payments.tests.test_webhook_settlement import (
    ASYNC_FAILED,
    COMPLETED,
    INTENT_FAILED,
    deliver,
    event_of,
    failed_bank_debit,
)

pytestmark = pytest.mark.django_db

URLS = {"success_url": "http://shop.test/done", "cancel_url": "http://shop.test/cancelled"}


def without_metadata(event: dict) -> dict:
    event["data"]["object"].pop("metadata", None)
    return event


def test_a_paid_session_without_metadata_is_found_by_its_id_and_pays_the_order(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)

    outcome = deliver(client, stripe_fake, without_metadata(event_of(stripe_fake, COMPLETED, payment.provider_id)))

    assert outcome == f"payment {payment.pk} succeeded, order paid"
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_failed_bank_debit_without_metadata_is_found_by_its_session_id(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay_delayed(payment.provider_id)
    stripe_fake.session_settle(payment.provider_id, succeeded=False)

    outcome = deliver(client, stripe_fake, without_metadata(event_of(stripe_fake, ASYNC_FAILED, payment.provider_id)))

    assert outcome == f"payment {payment.pk} failed"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.FAILED


def test_an_expired_session_without_metadata_is_found_by_its_id(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_expire(payment.provider_id)

    outcome = deliver(client, stripe_fake, without_metadata(event_of(stripe_fake, "checkout.session.expired",
                                                                     payment.provider_id)))

    assert outcome == f"payment {payment.pk} abandoned"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED


def test_the_webhook_locks_the_payments_own_order_row(client, stripe_fake, order_for, mug):
    order = order_for("card", (mug, 1))
    payment = card_payment_start(order=order, **URLS)
    while payment.pk == order.pk:  # ids that differ, so that locking the order "by the payment's id" shows
        order_for("cheque", (mug, 1))
        order = order_for("card", (mug, 1))
        payment = card_payment_start(order=order, **URLS)
    stripe_fake.session_pay(payment.provider_id)

    with CaptureQueriesContext(connection) as queries:
        deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, payment.provider_id))

    locks = [q["sql"] for q in queries if re.search(r'FROM "orders_order" WHERE "orders_order"\."id" = ', q["sql"])]
    assert locks, "the order is read by its id before its payment"
    assert re.search(rf'"orders_order"\."id" = {order.pk}\b', locks[0])
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in locks[0]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_second_bank_debit_still_settling_after_a_first_one_failed_keeps_the_order(
    client, stripe_fake, card_order, mug, settings
):
    order, first = failed_bank_debit(client, stripe_fake, card_order)
    second = card_payment_start(order=order, **URLS)
    assert second.pk != first.pk
    stripe_fake.session_pay_delayed(second.provider_id)
    deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, second.provider_id))
    later = timezone.now() + timedelta(minutes=settings.SHOP_PAYMENT_EXPIRY_MINUTES + 1)

    assert orders_expire_unpaid(now=later) == []  # the second debit may still pay: the stock stays held

    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED


def test_a_decline_message_longer_than_its_column_keeps_its_first_255_characters(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_decline(payment.provider_id)
    event = event_of(stripe_fake, INTENT_FAILED, payment.provider_id)
    message = "".join(chr(ord("a") + i % 26) for i in range(300))
    event["data"]["object"]["last_payment_error"]["message"] = message

    assert deliver(client, stripe_fake, event) == f"payment {payment.pk} failed"

    assert Payment.objects.get(pk=payment.pk).failure_message == message[:255]


def test_a_paid_session_with_no_amount_is_flagged_for_staff_not_marked_paid(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    event = event_of(stripe_fake, COMPLETED, payment.provider_id)
    event["data"]["object"]["amount_total"] = None

    assert deliver(client, stripe_fake, event) == f"payment {payment.pk} amount mismatch, flagged"

    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert "Received $0.00 CAD instead of $34.13." in order.attention


def test_a_payment_intent_id_longer_than_its_column_keeps_its_first_255_characters(client, stripe_fake, card_order):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    event = event_of(stripe_fake, COMPLETED, payment.provider_id)
    intent = "pi_" + "".join(chr(ord("a") + i % 26) for i in range(297))
    event["data"]["object"]["payment_intent"] = intent

    assert deliver(client, stripe_fake, event) == f"payment {payment.pk} succeeded, order paid"

    assert Payment.objects.get(pk=payment.pk).payment_intent == intent[:255]


@pytest.mark.parametrize("cents, recorded, balance", [
    (50, "0.50", "33.63"),  # fifty cents came in: they count, the rest is still owed
    (-50, "0.00", "34.13"),  # an amount below zero is junk: nothing counts as paid
])
def test_a_paid_session_for_the_wrong_amount_records_what_came_in_and_never_less_than_zero(
    client, stripe_fake, card_order, cents, recorded, balance
):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id, amount_cents=cents)

    assert deliver(client, stripe_fake, event_of(stripe_fake, COMPLETED, payment.provider_id)) == (
        f"payment {payment.pk} amount mismatch, flagged")

    assert Payment.objects.get(pk=payment.pk).amount == Decimal(recorded)
    assert Invoice.objects.get(order=order).balance == Decimal(balance)
    assert f"Received ${recorded} CAD instead of $34.13." in Order.objects.get(pk=order.pk).attention


def test_a_payment_in_a_currency_of_any_length_is_flagged_with_messages_cut_to_their_columns(
    client, stripe_fake, card_order
):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)
    event = event_of(stripe_fake, COMPLETED, payment.provider_id)
    currency = "".join(chr(ord("a") + i % 26) for i in range(300))
    event["data"]["object"]["currency"] = currency

    assert deliver(client, stripe_fake, event) == f"payment {payment.pk} amount mismatch, flagged"

    problem = f"Received $34.13 {currency.upper()} instead of $34.13."[:255]
    assert Payment.objects.get(pk=payment.pk).failure_message == problem
    flag = f"Card payment {payment.pk}: {problem} Check it and mark the order paid or refund."[:255]
    order.refresh_from_db()
    assert (order.status, order.attention) == (Order.Status.RECEIVED, flag)
    assert order.events.last().note == flag
    assert Invoice.objects.get(order=order).balance == Decimal("34.13")  # not CAD: nothing counts as paid
