"""A crashed worker, a duplicate delivery racing the first, or Redis down never pays an order twice or loses a
payment: the webhook's whole effect commits with the event's id, or not at all."""

import multiprocessing
import threading
from decimal import Decimal

import pytest
from django.db import connections

from orders.models import Order
from orders.rates import rates_and_delivery_seed
from outbox.models import OutboxEmail
from outbox.services import emails_sweep
from outbox.tests.conftest import UNREACHABLE_BROKER_URL, _test_database_url, celery_publishing
from payments.models import Invoice, Payment, StripeEvent
from payments.services.card import stripe_event_handle
from payments.tests.crash_child import handle_then_die


@pytest.fixture
def paid_at_stripe(transactional_db, canada, order_for, mug, stripe_fake):
    """A card order paid on Stripe's page; its webhook events not delivered yet."""
    from payments.services.card import card_payment_start

    order = order_for("card", (mug, 1))
    payment = card_payment_start(order=order, success_url="http://shop.test/ok", cancel_url="http://shop.test/no")
    stripe_fake.session_pay(payment.provider_id)
    completed = next(e for e in stripe_fake.events if e["type"] == "checkout.session.completed")
    return order, payment, completed


@pytest.fixture
def canada(transactional_db):
    from orders.models import DeliveryMethod, TaxRate

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")


def assert_paid_once(order, payment):
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.events.filter(status=Order.Status.PAID).count() == 1
    assert list(Payment.objects.filter(order=order).values_list("status", "amount")) == [
        (Payment.Status.SUCCEEDED, Decimal("34.13"))]
    assert Invoice.objects.get(order=order).amount_paid == Decimal("34.13")
    assert OutboxEmail.objects.filter(reference=order.number, subject__contains="payment of").count() == 1


def test_a_worker_killed_while_handling_a_payment_leaves_nothing_and_the_redelivery_pays_once(paid_at_stripe):
    order, payment, completed = paid_at_stripe
    # A fresh interpreter, not a fork: forking a process that runs other threads (live server, fake Stripe) can
    # leave the child stuck on a lock one of them held.
    child = multiprocessing.get_context("spawn").Process(
        target=handle_then_die, kwargs={"database_url": _test_database_url(), "event": completed})
    child.start()
    child.join(60)

    assert child.exitcode == 9
    assert not StripeEvent.objects.exists()
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED

    assert stripe_event_handle(event=completed).endswith("order paid")  # Stripe delivers it again
    assert stripe_event_handle(event=completed) == "duplicate"
    assert_paid_once(order, payment)


@pytest.mark.concurrency
def test_two_deliveries_of_the_same_events_at_once_pay_once(paid_at_stripe, stripe_fake):
    order, payment, _completed = paid_at_stripe
    events = [e for e in stripe_fake.events if e["type"] in ("checkout.session.completed", "payment_intent.succeeded")]
    outcomes, errors = [], []
    start = threading.Barrier(6, timeout=30)

    def deliver(event):
        try:
            start.wait()
            outcomes.append(stripe_event_handle(event=event))
        except BaseException as exc:  # noqa: BLE001 — whatever a delivery raised is reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(events[i % 2],), daemon=True) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [thread.name for thread in threads if thread.is_alive()] == [], "a delivery hung (a lock never released?)"
    assert errors == []
    assert len(outcomes) == 6  # every delivery ran to its end
    assert sum(o.endswith("order paid") for o in outcomes) == 1
    assert StripeEvent.objects.count() == 2
    assert_paid_once(order, payment)


def test_with_redis_down_the_payment_is_recorded_and_the_receipt_goes_out_later(paid_at_stripe, settings, mailoutbox):
    order, payment, completed = paid_at_stripe
    settings.CELERY_TASK_ALWAYS_EAGER = False

    with celery_publishing(broker_url=UNREACHABLE_BROKER_URL):
        assert stripe_event_handle(event=completed).endswith("order paid")
        assert stripe_event_handle(event=completed) == "duplicate"

    receipt = OutboxEmail.objects.get(reference=order.number, subject__contains="payment of")
    assert receipt.status == OutboxEmail.Status.PENDING
    assert not [m for m in mailoutbox if "payment of" in m.subject]
    assert_paid_once(order, payment)

    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert emails_sweep(older_than_seconds=0) >= 1  # beat, a minute later

    receipt.refresh_from_db()
    assert receipt.status == OutboxEmail.Status.SENT
    assert [m.subject for m in mailoutbox if "payment of" in m.subject] == [receipt.subject]
