"""Invoice rules that only mutation testing (make mutation) showed untested."""

from decimal import Decimal

import pytest

from orders.models import Order
from orders.services.status import order_transition
from payments.models import Invoice
from payments.services.credits import invoice_credit
from payments.services.expiry import order_payment_expire
from payments.services.refunds import refund_create
from payments.tests.helpers import pay_and_confirm, webhook_post

pytestmark = pytest.mark.django_db


def test_a_cancelled_order_whose_payment_was_refunded_in_full_is_not_flagged_for_a_refund(
        client, stripe_fake, card_order, django_capture_on_commit_callbacks):
    order, payment = card_order
    pay_and_confirm(client, stripe_fake, payment)
    with django_capture_on_commit_callbacks(execute=True):
        refund_create(payment=payment, amount=Decimal("34.13"), reason="Out of stock")

    order_transition(order=order, to=Order.Status.CANCELLED)

    order.refresh_from_db()
    assert (order.status, order.attention) == (Order.Status.CANCELLED, "")
    assert Invoice.objects.get(order=order).status == Invoice.Status.VOID


def test_a_late_payment_in_full_on_an_order_credited_meanwhile_leaves_its_invoice_paid(client, stripe_fake, card_order):
    order, payment = card_order
    invoice_credit(order=order, amount=Decimal("4.13"), reason="Goodwill")
    stripe_fake.unavailable = True  # the payment page could not be closed: the customer still pays on it
    order_payment_expire(order=order)
    stripe_fake.unavailable = False
    stripe_fake.session_pay(payment.provider_id)  # the whole $34.13 the page asked for

    for event in stripe_fake.events:
        webhook_post(client, stripe_fake, event)

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.amount_credited) == (
        Invoice.Status.PAID, Decimal("34.13"), Decimal("4.13"))
