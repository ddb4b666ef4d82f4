"""Credit notes (payments.services.credits): rules that only mutation testing (make mutation) showed untested."""

from decimal import Decimal

import pytest

from orders.models import Order
from orders.services.status import order_transition
from payments.models import CreditNote, Invoice
from payments.services import PaymentError
from payments.services.credits import invoice_credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cheque_order(order_for, mug):
    """An unpaid cheque order for one mug: $34.13 owed."""
    return order_for("cheque", (mug, 1))


@pytest.mark.parametrize("amount", ["0", "0.00", "-1", "0.001", "Infinity", "NaN"])
def test_a_credit_must_be_dollars_and_cents_more_than_zero(cheque_order, amount):
    with pytest.raises(PaymentError, match=r"^Enter an amount in dollars and cents, more than zero\.$"):
        invoice_credit(order=cheque_order, amount=Decimal(amount), reason="Returned")

    assert not CreditNote.objects.exists()


def test_nothing_is_credited_on_the_void_invoice_of_a_cancelled_order(cheque_order):
    order_transition(order=cheque_order, to=Order.Status.CANCELLED)

    with pytest.raises(PaymentError, match="void or missing"):
        invoice_credit(order=cheque_order, amount=Decimal("5.00"), reason="Returned")

    assert Invoice.objects.get(order=cheque_order).amount_credited == Decimal("0.00")


def test_the_timeline_says_who_credited_and_an_automatic_credit_has_no_author(cheque_order, admin_user):
    invoice_credit(order=cheque_order, amount=Decimal("4.13"), reason="Chipped", user=admin_user)
    invoice_credit(order=cheque_order, amount=Decimal("1.00"), reason="Late", user=None)

    events = list(cheque_order.events.filter(note__startswith="Credit of").order_by("pk")
                  .values_list("note", "created_by"))
    assert events == [("Credit of $4.13: Chipped; $30.00 left to pay.", admin_user.pk),
                      ("Credit of $1.00: Late; $29.00 left to pay.", None)]


def test_a_long_reason_is_kept_to_255_characters_on_the_note_and_the_timeline(cheque_order):
    note = invoice_credit(order=cheque_order, amount=Decimal("1.00"), reason="r" * 300)

    note.refresh_from_db()
    event = cheque_order.events.get(note__startswith="Credit of")
    assert (len(note.reason), len(event.note)) == (255, 255)
