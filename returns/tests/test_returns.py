"""Returns from the customer's request to the refund: the return window, what can be returned, the stock ledger,
the refund through payments (card, cheque, credit on account), the emails, the customer's page and the admin.

Every order is delivered in Alberta (GST 5 % on goods and on the $12.00 shipping + $2.50 handling). A mug is $18.00
and a kettle $79.00: one of each is $97.00 + $14.50 + GST $5.58 (5 % of $111.50, rounded half-up) = $117.08.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from inventory.models import Stock, StockMovement
from inventory.tests.test_concurrency import assert_ledger_matches_stock
from orders.models import Order, OrderEvent
from orders.services.status import order_transition
from outbox.models import OutboxEmail
from payments.models import CreditNote, Invoice, Refund
from payments.selectors import statement_for
from payments.services.card import card_payment_start
from payments.services.invoices import account_outstanding
from payments.services.received import payment_record
from payments.tests.helpers import pay_and_confirm
from returns.models import ReturnLine, ReturnRequest
from returns.selectors import return_offer
from returns.services import ReturnError, return_approve, return_receive, return_refund, return_refuse, return_request
from shipping.models import Shipment

pytestmark = pytest.mark.django_db


def line_of(order, variant):
    return order.lines.get(variant=variant)


def on_hand(variant, location) -> int:
    return Stock.objects.get(variant=variant, location=location).on_hand


def subjects(order) -> list[str]:
    return list(OutboxEmail.objects.filter(reference=order.number).order_by("pk").values_list("subject", flat=True))


def paid_by_card(client, stripe_fake, order):
    payment = card_payment_start(order=order, success_url="http://shop.test/done?s={CHECKOUT_SESSION_ID}",
                                 cancel_url="http://shop.test/cancelled")
    pay_and_confirm(client, stripe_fake, payment)
    return payment


def request_both(order, mug, kettle):
    return return_request(order=order, quantities={line_of(order, mug).pk: 1, line_of(order, kettle).pk: 1},
                          reason="The mug is the wrong colour and the kettle arrived dented.")


def approve_and_receive(request, mug, kettle, warehouse, clerk):
    return_approve(request=request, user=clerk, note="Use the prepaid label in the box.")
    lines = {line.order_line.variant_id: line.pk for line in request.lines.select_related("order_line")}
    return return_receive(request=request, location=warehouse, user=clerk,
                          outcomes={lines[mug.pk]: "restock", lines[kettle.pk]: "write_off"})


def statement_rows(user) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [(line.description.split(",")[0], line.charge, line.credit, line.balance)
            for line in statement_for(user=user).lines]


# The whole path


def test_a_card_order_is_returned_restocked_written_off_and_refunded_to_the_card_with_its_taxes(
        client, stripe_fake, order_for, mug, kettle, warehouse, ship, clerk, buyer,
        django_capture_on_commit_callbacks):
    order = order_for("card", (mug, 1), (kettle, 1), user=buyer)
    payment = paid_by_card(client, stripe_fake, order)
    ship(order)
    assert (on_hand(mug, warehouse), on_hand(kettle, warehouse)) == (4, 2)

    # the customer asks
    request = request_both(order, mug, kettle)
    assert request.status == ReturnRequest.Status.REQUESTED
    assert [(ln.order_line.name, ln.quantity) for ln in request.lines.all()] == [("Stoneware Mug", 1),
                                                                                ("Gooseneck Kettle", 1)]
    assert order.events.filter(note="Return requested: 1 × Stoneware Mug, 1 × Gooseneck Kettle").exists()
    assert subjects(order)[-1] == f"comptoir: we received your return request for order {order.number}"

    # staff approve, then receive: the mug goes back on the shelf, the dented kettle is written off
    request = approve_and_receive(request, mug, kettle, warehouse, clerk)
    assert request.status == ReturnRequest.Status.RECEIVED
    assert (on_hand(mug, warehouse), on_hand(kettle, warehouse)) == (5, 2)
    ledger = list(StockMovement.objects.filter(reference=order.number, kind__in=["return", "return_write_off"])
                  .order_by("pk").values_list("variant_id", "kind", "on_hand_delta", "on_hand_after"))
    assert sorted(ledger) == sorted([(mug.pk, "return", 1, 5), (kettle.pk, "return", 1, 3),
                                     (kettle.pk, "return_write_off", -1, 2)])
    assert list(request.lines.values_list("outcome", "location")) == [("restock", warehouse.pk),
                                                                      ("write_off", warehouse.pk)]
    assert_ledger_matches_stock()

    # the refund: $97.00 of items and their $4.85 of GST (5.58 × 97.00 / 111.50), not the shipping
    with django_capture_on_commit_callbacks(execute=True):
        request = return_refund(request=request, user=clerk)

    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.status, refund.payment_id) == (Decimal("101.85"), Refund.Status.SUCCEEDED,
                                                                 payment.pk)
    assert [r["amount"] for r in stripe_fake.refunds.values()] == [10185]
    request.refresh_from_db()
    assert (request.status, request.refund_id, request.refund_amount, request.credit_note_id) == (
        ReturnRequest.Status.REFUNDED, refund.pk, Decimal("101.85"), None)
    invoice = Invoice.objects.get(order=order)
    assert (invoice.amount, invoice.amount_paid, invoice.amount_refunded, invoice.amount_credited, invoice.balance) \
        == (Decimal("117.08"), Decimal("117.08"), Decimal("101.85"), Decimal("101.85"), Decimal("0.00"))
    assert statement_rows(buyer) == [
        (f"Invoice INV-{order.number}", Decimal("117.08"), Decimal("0"), Decimal("117.08")),
        ("Payment received", Decimal("0"), Decimal("117.08"), Decimal("0.00")),
        ("Credit: Returned: 1 × Stoneware Mug", Decimal("0"), Decimal("101.85"), Decimal("-101.85")),
        ("Refund sent to you", Decimal("101.85"), Decimal("0"), Decimal("0.00")),
    ]
    assert statement_for(user=buyer).balance == Decimal("0.00")
    assert subjects(order)[-4:] == [
        f"comptoir: your return for order {order.number} is approved",
        f"comptoir: we received your returned items from order {order.number}",
        f"comptoir: your return for order {order.number} is refunded ($101.85)",
        f"comptoir: refund of $101.85 for order {order.number}",  # from payments, once Stripe has refunded
    ]
    refunded = OutboxEmail.objects.get(subject__contains="is refunded")
    assert "$101.85 goes back to the card you paid with" in refunded.text_body
    approved = OutboxEmail.objects.get(subject__contains="is approved")
    assert "Use the prepaid label in the box." in approved.text_body


def test_a_cheque_order_is_returned_and_the_refund_is_recorded_as_sent_at_once(
        order_for, mug, kettle, warehouse, ship, clerk, buyer, stripe_fake):
    order = order_for("cheque", (mug, 1), (kettle, 1), user=buyer)
    payment_record(order=order, amount=Decimal("117.08"), method="cheque", reference="No. 42", user=clerk)
    ship(order)

    request = approve_and_receive(request_both(order, mug, kettle), mug, kettle, warehouse, clerk)
    request = return_refund(request=request, user=clerk)

    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.status, refund.payment.method) == (Decimal("101.85"), Refund.Status.SUCCEEDED,
                                                                     "cheque")
    assert stripe_fake.refunds == {}
    assert (request.status, request.refund_id) == (ReturnRequest.Status.REFUNDED, refund.pk)
    assert CreditNote.objects.get(invoice__order=order).refund_id == refund.pk
    assert Invoice.objects.get(order=order).balance == Decimal("0.00")
    assert statement_for(user=buyer).balance == Decimal("0.00")
    assert (on_hand(mug, warehouse), on_hand(kettle, warehouse)) == (5, 2)
    email = OutboxEmail.objects.get(subject__contains="is refunded")
    assert "$101.85 is sent back to you the way you paid" in email.text_body
    assert [s for s in subjects(order) if "return" in s] == [
        f"comptoir: we received your return request for order {order.number}",
        f"comptoir: your return for order {order.number} is approved",
        f"comptoir: we received your returned items from order {order.number}",
        f"comptoir: your return for order {order.number} is refunded ($101.85)",
    ]


def test_one_mug_of_two_lines_is_refunded_its_price_and_its_share_of_the_gst(
        order_for, mug, kettle, warehouse, ship, clerk):
    order = order_for("cheque", (mug, 1), (kettle, 1))
    payment_record(order=order, amount=Decimal("117.08"), method="cheque", user=clerk)
    ship(order)
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Too small")
    return_approve(request=request, user=clerk)
    return_receive(request=request, location=warehouse, user=clerk,
                   outcomes={request.lines.get().pk: "restock"})

    request = return_refund(request=request, user=clerk)

    assert request.refund_amount == Decimal("18.90")  # $18.00 + 5.58 × 18.00 / 111.50 = $0.90
    assert Refund.objects.get(order=order).amount == Decimal("18.90")


def test_an_unpaid_order_on_account_gets_a_credit_note_and_owes_that_much_less(
        order_for, mug, kettle, warehouse, ship, clerk, buyer, account):
    order = order_for("account", (mug, 1), (kettle, 1), user=buyer, po="PO-7")
    ship(order)
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Ordered one too many")
    return_approve(request=request, user=clerk)
    return_receive(request=request, location=warehouse, user=clerk, outcomes={request.lines.get().pk: "restock"})

    request = return_refund(request=request, user=clerk)

    note = CreditNote.objects.get(invoice__order=order)
    assert (note.amount, note.refund_id, note.reason) == (Decimal("18.90"), None, "Returned: 1 × Stoneware Mug")
    assert (request.credit_note_id, request.refund_id, request.status) == (note.pk, None, "refunded")
    assert not Refund.objects.exists()
    invoice = Invoice.objects.get(order=order)
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (Decimal("18.90"), Decimal("98.18"), "open")
    assert account_outstanding(account=account) == Decimal("98.18")
    assert statement_rows(buyer) == [
        (f"Invoice INV-{order.number}", Decimal("117.08"), Decimal("0"), Decimal("117.08")),
        ("Credit: Returned: 1 × Stoneware Mug", Decimal("0"), Decimal("18.90"), Decimal("98.18")),
    ]
    assert order.events.filter(note__startswith="Credit of $18.90: Returned: 1 × Stoneware Mug; $98.18").exists()
    email = OutboxEmail.objects.get(subject__contains="is refunded")
    assert f"$18.90 is credited on the invoice of order {order.number}: you owe that much less." in email.text_body


def test_a_partly_paid_order_on_account_is_credited_what_is_owed_and_refunded_the_rest(
        order_for, mug, kettle, warehouse, ship, clerk, buyer, account):
    order = order_for("account", (mug, 1), (kettle, 1), user=buyer, po="PO-8")
    payment_record(order=order, amount=Decimal("110.00"), method="cheque", user=clerk)  # $7.08 still owed
    ship(order)
    request = approve_and_receive(request_both(order, mug, kettle), mug, kettle, warehouse, clerk)

    request = return_refund(request=request, user=clerk)

    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("94.77")
    assert sorted(CreditNote.objects.values_list("amount", flat=True)) == [Decimal("7.08"), Decimal("94.77")]
    invoice = Invoice.objects.get(order=order)
    assert (invoice.amount_credited, invoice.amount_refunded, invoice.balance, invoice.status) == (
        Decimal("101.85"), Decimal("94.77"), Decimal("0.00"), "paid")
    assert request.refund_amount == Decimal("101.85")
    assert statement_for(user=buyer).balance == Decimal("0.00")


def test_a_fully_returned_unpaid_order_on_account_is_credited_in_full_and_its_invoice_is_settled(
        order_for, mug, warehouse, ship, clerk, buyer, account):
    order = order_for("account", (mug, 1), user=buyer, po="PO-9")  # $34.13: $18.90 of goods and their GST
    ship(order)
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Not needed")
    return_approve(request=request, user=clerk)
    return_receive(request=request, location=warehouse, user=clerk, outcomes={request.lines.get().pk: "write_off"})

    return_refund(request=request, user=clerk)

    invoice = Invoice.objects.get(order=order)
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (Decimal("18.90"), Decimal("15.23"), "open")


def test_staff_may_refund_less_than_the_items_are_worth_but_never_more(order_for, mug, warehouse, ship, clerk):
    order = order_for("cheque", (mug, 2))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    ship(order)
    request = return_request(order=order, quantities={line_of(order, mug).pk: 2}, reason="Chipped")
    return_approve(request=request, user=clerk)
    return_receive(request=request, location=warehouse, user=clerk, outcomes={request.lines.get().pk: "write_off"})

    with pytest.raises(ReturnError, match=r"worth \$37.80; the refund cannot be more"):
        return_refund(request=request, user=clerk, amount=Decimal("37.81"))
    for bad in ("0", "-1", "1.001"):
        with pytest.raises(ReturnError, match="dollars and cents"):
            return_refund(request=request, user=clerk, amount=Decimal(bad))
    assert not Refund.objects.exists()

    assert return_refund(request=request, user=clerk, amount=Decimal("30.00")).refund_amount == Decimal("30.00")
    assert Refund.objects.get().amount == Decimal("30.00")


# What can be returned, and until when


@pytest.fixture
def shipped_mug_order(order_for, mug, ship, clerk):
    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=Decimal("34.13"), method="cheque", user=clerk)
    ship(order)
    return order


def nothing_happened(order):
    assert not ReturnRequest.objects.exists() and not ReturnLine.objects.exists()
    assert not OutboxEmail.objects.filter(subject__contains="return").exists()
    assert not order.events.filter(note__startswith="Return").exists()


def test_more_units_than_bought_cannot_be_returned(shipped_mug_order, mug):
    order = shipped_mug_order
    with pytest.raises(ReturnError) as error:
        return_request(order=order, quantities={line_of(order, mug).pk: 2}, reason="Broken")
    assert str(error.value) == "You can return at most 1 of Stoneware Mug."
    nothing_happened(order)


def test_only_units_shipped_can_be_returned(order_for, mug, ship, clerk):
    order = order_for("cheque", (mug, 2))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    ship(order, units={mug: 1})

    with pytest.raises(ReturnError, match=r"^You can return at most 1 of Stoneware Mug\.$"):
        return_request(order=order, quantities={line_of(order, mug).pk: 2}, reason="Broken")
    nothing_happened(order)
    assert return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken").pk


def test_an_order_marked_shipped_without_shipment_rows_counts_every_unit_as_shipped(order_for, mug, clerk):
    order = order_for("cheque", (mug, 2))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    order_transition(order=order, to=Order.Status.PREPARING)
    order = order_transition(order=order, to=Order.Status.SHIPPED)

    offer = return_offer(order=order)

    assert [row.returnable for row in offer.lines] == [2]
    assert offer.last_day == timezone.localdate() + timedelta(days=30)


def test_the_same_unit_cannot_be_returned_twice_unless_its_return_was_refused(shipped_mug_order, mug, clerk):
    order = shipped_mug_order
    first = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")

    with pytest.raises(ReturnError) as error:
        return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken, again")
    assert str(error.value) == "Every unit of Stoneware Mug we shipped is already in a return."
    assert ReturnRequest.objects.count() == 1

    return_refuse(request=first, note="The photos show it was used.", user=clerk)
    assert return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken").pk != first.pk


def test_an_order_not_shipped_has_nothing_to_return(order_for, mug):
    order = order_for("cheque", (mug, 1))

    with pytest.raises(ReturnError, match="has not shipped yet"):
        return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Changed my mind")
    nothing_happened(order)


def test_the_return_window_closes_thirty_days_after_delivery(shipped_mug_order, mug):
    order = shipped_mug_order
    delivered = timezone.now() - timedelta(days=31)
    Shipment.objects.filter(order=order).update(delivered_at=delivered)
    closed_on = formats.date_format(timezone.localdate(delivered) + timedelta(days=30), "DATE_FORMAT")

    with pytest.raises(ReturnError) as error:
        return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Late")

    assert str(error.value) == f"The 30-day return window for this order closed on {closed_on}."
    nothing_happened(order)


def test_the_last_day_of_the_window_is_still_open(shipped_mug_order, mug):
    order = shipped_mug_order
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=30))

    assert return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Just in time").pk


def test_without_a_delivery_date_the_window_counts_from_the_last_shipment(shipped_mug_order, mug):
    order = shipped_mug_order
    Shipment.objects.filter(order=order).update(delivered_at=None, shipped_at=timezone.now() - timedelta(days=40))

    with pytest.raises(ReturnError, match="return window for this order closed"):
        return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Late")


def test_without_shipments_the_window_counts_from_when_the_order_was_marked_shipped(order_for, mug, clerk):
    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    order_transition(order=order, to=Order.Status.PREPARING)
    order_transition(order=order, to=Order.Status.SHIPPED)
    OrderEvent.objects.filter(order=order, status="shipped").update(created_at=timezone.now() - timedelta(days=45))

    with pytest.raises(ReturnError, match="return window for this order closed"):
        return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Late")


@pytest.mark.parametrize(("quantities", "reason", "message"), [
    ({"mug": 1}, "   ", "Please tell us why you are returning these items."),
    ({"mug": 1}, "x" * 2001, "Please keep the reason to 2000 characters or fewer."),
    ({"mug": 0}, "Broken", "Choose at least one item to return."),
    ({}, "Broken", "Choose at least one item to return."),
    ({"mug": -1}, "Broken", "Enter a whole number of units, zero or more."),
    ({"other": 1}, "Broken", "This item is not part of the order."),
])
def test_a_request_without_a_reason_or_units_is_refused_and_changes_nothing(
        shipped_mug_order, mug, order_for, quantities, reason, message):
    order = shipped_mug_order
    other = order_for("cheque", (mug, 1))
    ids = {"mug": line_of(order, mug).pk, "other": line_of(other, mug).pk}

    with pytest.raises(ReturnError) as error:
        return_request(order=order, quantities={ids[k]: v for k, v in quantities.items()}, reason=reason)

    assert str(error.value) == message
    nothing_happened(order)


# Steps only in order


def test_a_return_moves_only_along_its_steps(shipped_mug_order, mug, warehouse, clerk):
    order = shipped_mug_order
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")
    outcomes = {request.lines.get().pk: "restock"}

    with pytest.raises(ReturnError, match="“Requested” cannot become “Refunded”"):
        return_refund(request=request, user=clerk)
    with pytest.raises(ReturnError, match="“Requested” cannot become “Items received”"):
        return_receive(request=request, outcomes=outcomes, location=warehouse, user=clerk)
    with pytest.raises(ReturnError, match="Tell the customer why"):
        return_refuse(request=request, note=" ", user=clerk)

    return_refuse(request=request, note="Used", user=clerk)
    for step in (lambda: return_approve(request=request, user=clerk),
                 lambda: return_refuse(request=request, note="Again", user=clerk),
                 lambda: return_receive(request=request, outcomes=outcomes, location=warehouse, user=clerk)):
        with pytest.raises(ReturnError, match="“Refused” cannot become"):
            step()
    assert ReturnRequest.objects.get().status == "refused"
    assert not StockMovement.objects.filter(kind__in=["return", "return_write_off"]).exists()
    assert OutboxEmail.objects.filter(subject__contains="about your return request").count() == 1


def test_receiving_needs_an_outcome_for_every_line_and_an_active_location(
        order_for, mug, kettle, warehouse, ship, clerk):
    order = order_for("cheque", (mug, 1), (kettle, 1))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    ship(order)
    request = request_both(order, mug, kettle)
    return_approve(request=request, user=clerk)
    first, second = request.lines.all()

    for outcomes in ({first.pk: "restock"}, {first.pk: "restock", second.pk: "lost"}):
        with pytest.raises(ReturnError, match="Choose what happens to each returned item"):
            return_receive(request=request, outcomes=outcomes, location=warehouse, user=clerk)
    warehouse.is_active = False
    warehouse.save()
    with pytest.raises(ReturnError, match="active stock location"):
        return_receive(request=request, outcomes={first.pk: "restock", second.pk: "restock"}, location=warehouse)
    assert ReturnRequest.objects.get().status == "approved"
    assert not StockMovement.objects.filter(kind__in=["return", "return_write_off"]).exists()


def test_a_refund_cannot_be_made_twice(shipped_mug_order, mug, warehouse, clerk):
    order = shipped_mug_order
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")
    return_approve(request=request, user=clerk)
    return_receive(request=request, outcomes={request.lines.get().pk: "restock"}, location=warehouse, user=clerk)
    return_refund(request=request, user=clerk)

    with pytest.raises(ReturnError, match="“Refunded” cannot become “Refunded”"):
        return_refund(request=request, user=clerk)
    assert Refund.objects.count() == 1


# The customer's pages


def test_the_order_page_offers_a_return_until_the_last_day_and_the_form_lists_what_can_be_returned(
        client, shipped_mug_order):
    order = shipped_mug_order
    last_day = formats.date_format(timezone.localdate() - timedelta(days=2) + timedelta(days=30), "DATE_FORMAT")

    page = client.get(order.get_absolute_url()).content.decode()
    form_url = reverse("returns:return_create", kwargs={"number": order.number}) + f"?t={order.access_token}"

    assert f"You can ask to return items until {last_day}." in page
    assert f'href="{form_url}"' in page and "Request a return" in page
    form = client.get(form_url).content.decode()
    line = order.lines.get()
    assert f'<label class="visually-hidden" for="id_line_{line.pk}">Units of Stoneware Mug to return</label>' in form
    assert f'name="line_{line.pk}" id="id_line_{line.pk}"' in form and 'max="1"' in form
    assert 'for="id_reason">Why are you returning these items?</label>' in form
    assert f'name="t" value="{order.access_token}"' in form


def test_the_customer_requests_a_return_and_sees_it_on_the_order_page(client, shipped_mug_order):
    order = shipped_mug_order
    line = order.lines.get()

    response = client.post(reverse("returns:return_create", kwargs={"number": order.number}),
                           {"t": order.access_token, f"line_{line.pk}": "1", "reason": "Too heavy"})

    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Your return request is received." in page
    assert "Requested" in page and "1 × Stoneware Mug" in page
    assert "Request a return" not in page  # nothing left to return
    assert ReturnRequest.objects.get().reason == "Too heavy"


def test_a_wrong_return_form_is_shown_again_with_the_reason(client, shipped_mug_order):
    order = shipped_mug_order
    line = order.lines.get()
    url = reverse("returns:return_create", kwargs={"number": order.number})

    too_many = client.post(url, {"t": order.access_token, f"line_{line.pk}": "3", "reason": "Broken"})
    no_units = client.post(url, {"t": order.access_token, f"line_{line.pk}": "0", "reason": "Broken"})
    no_reason = client.post(url, {"t": order.access_token, f"line_{line.pk}": "1", "reason": ""})
    not_a_number = client.post(url, {"t": order.access_token, f"line_{line.pk}": "two", "reason": "Broken"})

    assert too_many.status_code == 200 and "You can return at most 1 of Stoneware Mug." in too_many.content.decode()
    assert "Choose at least one item to return." in no_units.content.decode()
    assert "Please tell us why you are returning these items." in no_reason.content.decode()
    assert "Enter a whole number of units." in not_a_number.content.decode()
    assert not ReturnRequest.objects.exists()


def test_the_return_form_reads_the_same_number_of_queries_whatever_the_number_of_lines(
        client, order_for, mug, kettle, ship, clerk):
    def queries_for(*items) -> int:
        order = order_for("cheque", *items)
        payment_record(order=order, amount=order.total, method="cheque", user=clerk)
        ship(order)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("returns:return_create", kwargs={"number": order.number}),
                                  {"t": order.access_token})
        assert response.status_code == 200
        return len(queries)

    queries_for((mug, 1))  # warms the page's cached parts (categories in the menu)
    assert queries_for((mug, 1)) == queries_for((mug, 1), (kettle, 1)) == 5


def test_someone_without_the_link_cannot_see_or_request_a_return(client, shipped_mug_order, buyer):
    order = shipped_mug_order
    url = reverse("returns:return_create", kwargs={"number": order.number})
    line = order.lines.get()

    assert client.get(url).status_code == 404
    assert client.get(url + "?t=guess").status_code == 404
    assert client.post(url, {"t": "guess", f"line_{line.pk}": "1", "reason": "Mine"}).status_code == 404
    client.force_login(buyer)  # signed in, but not this order's customer
    assert client.get(url).status_code == 404
    assert client.get(reverse("returns:return_create", kwargs={"number": "C-NOPE"})).status_code == 404
    assert not ReturnRequest.objects.exists()


def test_the_owner_signed_in_may_request_without_the_link(client, order_for, mug, ship, clerk, buyer):
    order = order_for("cheque", (mug, 1), user=buyer)
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    ship(order)
    client.force_login(buyer)

    assert client.get(reverse("returns:return_create", kwargs={"number": order.number})).status_code == 200


def test_after_the_window_the_pages_say_it_closed(client, shipped_mug_order):
    order = shipped_mug_order
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=40))

    page = client.get(order.get_absolute_url()).content.decode()
    form = client.get(reverse("returns:return_create", kwargs={"number": order.number}),
                      {"t": order.access_token}).content.decode()

    assert "The return window for this order closed on" in page and "Request a return" not in page
    assert "The 30-day return window for this order closed on" in form and "<textarea" not in form


def test_a_refunded_return_shows_its_amount_on_the_order_page(client, shipped_mug_order, mug, warehouse, clerk):
    order = shipped_mug_order
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")
    return_approve(request=request, user=clerk, note="Send it to our Calgary warehouse.")
    return_receive(request=request, outcomes={request.lines.get().pk: "write_off"}, location=warehouse, user=clerk)
    return_refund(request=request, user=clerk)

    page = client.get(order.get_absolute_url()).content.decode()

    assert "Refunded: $18.90" in page and "Send it to our Calgary warehouse." in page


def test_the_return_policy_page_explains_the_window_and_refunds(client, settings):
    settings.SHOP_RETURN_DAYS = 30

    page = client.get(reverse("returns:policy")).content.decode()

    assert reverse("returns:policy") == "/returns/policy/"
    assert "within 30 days of delivery" in page
    assert "Shipping and handling are not refunded." in page
    assert "goes back to the same card" in page and "written off and refunded" in page
    assert 'href="/returns/policy/"' in client.get(reverse("catalog:home")).content.decode()


# The admin


def test_staff_find_returns_by_status_and_order_number(admin_client, shipped_mug_order, mug):
    order = shipped_mug_order
    return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")
    url = reverse("admin:returns_returnrequest_changelist")

    assert order.number in admin_client.get(url, {"status__exact": "requested"}).content.decode()
    assert order.number not in admin_client.get(url, {"status__exact": "approved"}).content.decode()
    assert order.number in admin_client.get(url, {"q": order.number}).content.decode()
    assert order.number in admin_client.get(url, {"q": "ana@example.com"}).content.decode()


def test_staff_approve_receive_and_refund_in_the_admin(admin_client, shipped_mug_order, mug, warehouse):
    order = shipped_mug_order
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")
    change = admin_client.get(reverse("admin:returns_returnrequest_change", args=[request.pk])).content.decode()
    assert reverse("admin:returns_returnrequest_approve", args=[request.pk]) in change
    assert reverse("admin:returns_returnrequest_refund", args=[request.pk]) not in change

    response = admin_client.post(reverse("admin:returns_returnrequest_approve", args=[request.pk]), {"note": ""})
    assert response.status_code == 302
    line = request.lines.get()
    receive_url = reverse("admin:returns_returnrequest_receive", args=[request.pk])
    assert "Written off (damaged)" in admin_client.get(receive_url).content.decode()
    response = admin_client.post(receive_url, {"location": warehouse.pk, f"outcome_{line.pk}": "restock"})
    assert response.status_code == 302
    refund_url = reverse("admin:returns_returnrequest_refund", args=[request.pk])
    page = admin_client.get(refund_url).content.decode()
    assert "$18.90" in page and 'value="18.90"' in page

    response = admin_client.post(refund_url, {"amount": "18.90"})

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.refund_amount) == ("refunded", Decimal("18.90"))
    assert on_hand(mug, warehouse) == 5


def test_a_step_the_return_cannot_take_is_shown_back_in_the_admin(admin_client, shipped_mug_order, mug):
    order = shipped_mug_order
    request = return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Broken")
    refuse_url = reverse("admin:returns_returnrequest_refuse", args=[request.pk])

    no_note = admin_client.post(refuse_url, {"note": ""})
    too_soon = admin_client.post(reverse("admin:returns_returnrequest_refund", args=[request.pk]),
                                 {"amount": "18.90"})

    assert no_note.status_code == 200 and "This field is required." in no_note.content.decode()
    assert too_soon.status_code == 200 and "cannot become" in too_soon.content.decode()
    assert admin_client.post(refuse_url, {"note": "Used"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.staff_note) == ("refused", "Used")


def test_a_return_request_does_not_move_the_window_of_an_order_delivered_without_shipments(order_for, mug, clerk,
                                                                                          settings):
    """A store pickup has no shipment rows: its window starts when it was handed over, and the return asked for
    ten days later (an event that repeats the status "delivered") does not restart it."""
    from returns.selectors import return_last_day

    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    handed_over = timezone.now() - timedelta(days=20)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    order.refresh_from_db()
    OrderEvent.objects.create(order=order, status=Order.Status.SHIPPED, note="")
    OrderEvent.objects.create(order=order, status=Order.Status.DELIVERED, note="Picked up")
    OrderEvent.objects.filter(order=order).update(created_at=handed_over)
    return_request(order=order, quantities={line_of(order, mug).pk: 1}, reason="Too small")
    assert order.events.filter(status=Order.Status.DELIVERED, created_at__gt=handed_over).exists()

    assert return_last_day(order=order) == timezone.localdate(handed_over) + timedelta(days=settings.SHOP_RETURN_DAYS)
