"""Money recorded twice at the same instant (Postgres): refunds and recorded cheques lock the order (and the payment
or the invoice) before checking what is left, so the second waits for the first and checks against what it did.
Both start while the test holds the order's row: a recording that does not wait for that lock reads the totals,
passes its check and is stopped only when it writes its row (which refers to the order), so without the locks both
are past their checks at once, every time."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from core.tests.races import race_while_held
from orders.models import Order
from payments.models import Invoice, Payment, Refund
from payments.services import PaymentError
from payments.services.received import payment_record
from payments.services.refunds import refund_create

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def order_locked(order):
    return lambda: Order.objects.select_for_update().get(pk=order.pk)


def test_the_same_cheque_recorded_twice_at_once_is_recorded_once(order_for, mug, django_user_model):
    # A $20.00 cheque towards the $34.13 order: each recording alone is within the balance, both would over-pay.
    order = order_for("cheque", (mug, 1))
    clerks = [django_user_model.objects.create_user(name, is_staff=True) for name in ("clerk-a", "clerk-b")]

    outcomes = race_while_held(order_locked(order), [
        lambda clerk=clerk: payment_record(order=order, amount=Decimal("20.00"), method="cheque", reference="Chq 118",
                                           user=clerk)
        for clerk in clerks
    ])

    assert sorted(kind for kind, _result in outcomes) == ["ok", "raised"], outcomes
    [refused] = [result for kind, result in outcomes if kind == "raised"]
    invoice = Invoice.objects.get(order=order)
    assert type(refused) is PaymentError
    assert str(refused) == f"This is more than the $14.13 still owed on invoice {invoice.number}."
    assert list(Payment.objects.values_list("amount", "reference")) == [(Decimal("20.00"), "Chq 118")]
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (Decimal("20.00"), Decimal("14.13"),
                                                                       Invoice.Status.OPEN)
    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert order.events.filter(note__startswith="Payment of $20.00 received").count() == 1


def test_two_refunds_of_one_cheque_at_once_never_refund_more_than_it_paid(order_for, mug, django_user_model):
    # The $34.13 order was paid with two cheques, $20.00 and $14.13: each refund is checked against its own cheque.
    order = order_for("cheque", (mug, 1))
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    cheque = payment_record(order=order, amount=Decimal("20.00"), method="cheque", reference="Chq 1", user=clerk)
    payment_record(order=order, amount=Decimal("14.13"), method="cheque", reference="Chq 2", user=clerk)

    outcomes = race_while_held(order_locked(order), [
        lambda: refund_create(payment=cheque, amount=Decimal("15.00"), reason="broken mug", user=clerk),
        lambda: refund_create(payment=cheque, amount=Decimal("15.00"), reason="broken mug", user=clerk),
    ])

    assert sorted(kind for kind, _result in outcomes) == ["ok", "raised"], outcomes
    [refused] = [result for kind, result in outcomes if kind == "raised"]
    assert type(refused) is PaymentError
    assert str(refused) == "At most $5.00 of this payment can still be refunded."
    assert list(Refund.objects.values_list("payment_id", "amount", "status")) == [
        (cheque.pk, Decimal("15.00"), Refund.Status.SUCCEEDED)]
    cheque.refresh_from_db()
    assert cheque.refundable() == Decimal("5.00")
    invoice = Invoice.objects.get(order=order)
    assert invoice.amount_refunded == Decimal("15.00")
    assert Refund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"] == Decimal("15.00")
