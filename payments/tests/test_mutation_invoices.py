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


def test_a_card_order_of_a_business_customer_is_invoiced_due_at_once_and_not_on_their_account(
    order_for, mug, stripe_fake, django_user_model
):
    from django.utils import timezone

    from payments.models import CreditAccount
    from payments.services.invoices import invoice_issue

    buyer = django_user_model.objects.create_user("acme", "buyer@acme.example", "s3cret-pass")
    account = CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("150.00"),
                                           terms_days=30)
    order = order_for("card", (mug, 1), user=buyer)
    Invoice.objects.filter(order=order).delete()

    invoice = invoice_issue(order=order, account=account)

    assert (invoice.account, invoice.due_on) == (None, timezone.localdate(order.created_at))


def test_an_expired_order_cancelled_later_keeps_the_day_its_invoice_was_voided(order_for, mug):
    from datetime import date

    order = order_for("cheque", (mug, 1))
    order_transition(order=order, to=Order.Status.EXPIRED)
    Invoice.objects.filter(order=order).update(voided_on=date(2026, 11, 2))  # it expired a month ago

    order_transition(order=order, to=Order.Status.CANCELLED)

    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.voided_on) == (Invoice.Status.VOID, date(2026, 11, 2))
