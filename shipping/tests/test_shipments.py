"""Preparing and shipping orders: parcels with a carrier's tracking number, partial shipments, the stock leaving the
ledger, the shipping notice, the customer's order page, delivery, and the staff's pages."""

from datetime import timedelta
from functools import partial

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inventory import services as stock_services
from inventory.models import Stock, StockMovement
from inventory.tests.factories import WarehouseFactory
from orders.models import Order, OrderAllocation, OrderEvent
from orders.services.status import order_transition
from outbox.models import OutboxEmail
from shipping.models import Shipment, ShipmentLine
from shipping.services.shipments import ShipmentError, orders_to_prepare, shipment_create, shipment_deliver

pytestmark = pytest.mark.django_db

CP_NUMBER = "1234567890123456"
CP_LINK = "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=1234567890123456"


def _line(order, variant):
    return order.lines.get(variant=variant)


def _stock(variant, location):
    stock = Stock.objects.get(variant=variant, location=location)
    return stock.on_hand, stock.reserved


def _held(order) -> int:
    return sum(OrderAllocation.objects.filter(line__order=order, released=False).values_list("quantity", flat=True))


def _sales(order):
    return list(StockMovement.objects.filter(reference=order.number, kind=StockMovement.Kind.ONLINE_SALE)
                .order_by("pk").values_list("variant__sku", "location__code", "on_hand_delta", "reserved_delta"))


def _everything(order):
    """What a refused shipment must leave as it was."""
    return {
        "status": Order.objects.get(pk=order.pk).status,
        "events": list(OrderEvent.objects.filter(order=order).values_list("status", "note")),
        "shipments": list(Shipment.objects.values_list("pk", "tracking_number")),
        "shipment_lines": ShipmentLine.objects.count(),
        "movements": StockMovement.objects.count(),
        "stock": sorted(Stock.objects.values_list("pk", "on_hand", "reserved")),
        "allocations": sorted(OrderAllocation.objects.values_list("pk", "quantity", "released")),
        "emails": OutboxEmail.objects.count(),
    }


def _events_after_payment(order):
    return list(OrderEvent.objects.filter(order=order).exclude(status__in=["received", "paid"])
                .order_by("pk").values_list("status", "note"))


# --- shipping ----------------------------------------------------------------------------------------------------

def test_a_partial_then_complete_shipment_takes_exactly_the_shipped_units_off_the_shelf(
        paid_order, mug, kettle, warehouse, canada_post, purolator, admin_user):
    order = paid_order((mug, 3), (kettle, 1))
    assert _stock(mug, warehouse) == (5, 3) and _stock(kettle, warehouse) == (3, 1)

    first = shipment_create(order=order, carrier=canada_post, tracking_number=f" {CP_NUMBER} ",
                            quantities={_line(order, mug).pk: 1}, user=admin_user)

    assert first.tracking_number == CP_NUMBER
    assert list(first.lines.values_list("order_line__sku", "quantity")) == [("MUG-1", 1)]
    assert _sales(order) == [("MUG-1", "wh", -1, -1)]
    assert _stock(mug, warehouse) == (4, 2) and _stock(kettle, warehouse) == (3, 1)
    assert _held(order) == 3
    order.refresh_from_db()
    assert order.status == "preparing"
    assert _events_after_payment(order) == [
        ("preparing", "Partly shipped: 1 of 4 items, Canada Post 1234567890123456")]

    second = shipment_create(order=order, carrier=purolator, tracking_number="ab12cd34ef56",
                             quantities={_line(order, mug).pk: 2, _line(order, kettle).pk: 1}, user=admin_user)

    assert second.tracking_number == "AB12CD34EF56"
    assert _sales(order) == [("MUG-1", "wh", -1, -1), ("MUG-1", "wh", -2, -2), ("KET-1", "wh", -1, -1)]
    assert _stock(mug, warehouse) == (2, 0) and _stock(kettle, warehouse) == (2, 0)
    assert _held(order) == 0
    order.refresh_from_db()
    assert order.status == "shipped"
    assert _events_after_payment(order) == [
        ("preparing", "Partly shipped: 1 of 4 items, Canada Post 1234567890123456"),
        ("shipped", "Purolator AB12CD34EF56"),
    ]


def test_one_parcel_with_everything_ships_the_order(paid_order, mug, warehouse, canada_post, admin_user):
    order = paid_order((mug, 2))

    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 2}, user=admin_user)

    order.refresh_from_db()
    assert order.status == "shipped"
    assert _events_after_payment(order) == [("preparing", ""), ("shipped", "Canada Post 1234567890123456")]
    assert _sales(order) == [("MUG-1", "wh", -2, -2)]  # once: order_transition found nothing left to ship
    assert _stock(mug, warehouse) == (3, 0)


def test_units_are_taken_from_the_first_location_in_priority_order(paid_order, mug, warehouse, canada_post,
                                                                   admin_user):
    edmonton = WarehouseFactory(name="Edmonton Warehouse", code="yeg", priority=5)
    stock_services.stock_receive(variant=mug, location=edmonton, quantity=3)
    order = paid_order((mug, 6))  # 5 held in Calgary, 1 in Edmonton

    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 2}, user=admin_user)

    assert _sales(order) == [("MUG-1", "wh", -2, -2)]
    assert _stock(mug, warehouse) == (3, 3) and _stock(mug, edmonton) == (3, 1)
    assert sorted(OrderAllocation.objects.filter(line__order=order).values_list(
        "stock__location__code", "quantity", "released")) == [("wh", 2, True), ("wh", 3, False), ("yeg", 1, False)]
    [prepared] = orders_to_prepare()
    [row] = prepared.to_ship
    assert (row.held, row.shipped, [(loc.code, units) for loc, units in row.sources]) == (
        4, 2, [("wh", 3), ("yeg", 1)])


def test_an_order_on_account_ships_before_it_is_paid(order_for, mug, canada_post, django_user_model, admin_user):
    from decimal import Decimal

    from payments.models import CreditAccount

    buyer = django_user_model.objects.create_user("acme", "buyer@acme.example")
    CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("500.00"))
    order = order_for("account", (mug, 1), user=buyer, po="PO-77")
    assert order.status == "received"

    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 1}, user=admin_user)

    order.refresh_from_db()
    assert order.status == "shipped"
    assert list(order.events.values_list("status", flat=True)) == ["received", "preparing", "shipped"]


# --- the shipping notice and the order page ---------------------------------------------------------------------

def test_the_shipping_notice_carries_the_carriers_tracking_link(
        paid_order, mug, canada_post, admin_user, settings, django_capture_on_commit_callbacks):
    order = paid_order((mug, 2))

    with django_capture_on_commit_callbacks(execute=True):
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(order, mug).pk: 2}, user=admin_user)

    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert email.subject == f"comptoir: your order {order.number} is on its way"
    order_url = settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()
    assert email.body == (
        "Hello Ana Tremblay,\n\n"
        f"Your order {order.number} has shipped.\n\n"
        "Carrier: Canada Post\n"
        "Tracking number: 1234567890123456\n"
        "Track your parcel:\n"
        f"{CP_LINK}\n\n"
        "In this parcel:\n"
        "- 2 × Stoneware Mug (MUG-1)\n\n"
        "Follow your order at any time:\n"
        f"{order_url}\n\n"
        "comptoir\n"
    )
    html = email.alternatives[0].content
    assert f'<a href="{CP_LINK}">1234567890123456</a>' in html
    assert OutboxEmail.objects.get(subject=email.subject).status == "sent"


def test_a_french_customer_reads_the_carrier_in_french_in_the_notice_and_the_timeline(
        paid_order, mug, canada_post, admin_user):
    canada_post.name_fr = "Postes Canada"
    canada_post.save()
    order = paid_order((mug, 1))
    Order.objects.filter(pk=order.pk).update(language="fr")

    shipment = shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                               quantities={_line(order, mug).pk: 1}, user=admin_user)
    shipment_deliver(shipment=shipment, user=admin_user)

    email = OutboxEmail.objects.get(reference=order.number, text_body__contains=CP_NUMBER)
    assert "Transporteur\u00a0: Postes Canada\n" in email.text_body and "Canada Post" not in email.text_body
    assert "Postes Canada" in email.html_body and "Canada Post" not in email.html_body
    notes = list(order.events.exclude(note="").values_list("note", flat=True))
    assert notes[-2:] == [f"Postes Canada {CP_NUMBER}", f"Postes Canada {CP_NUMBER}"]  # shipped, delivered


def test_the_carrier_admin_has_a_french_name(admin_client, canada_post):
    page = admin_client.get(f"/admin/shipping/carrier/{canada_post.pk}/change/").content.decode()

    assert 'name="name_en"' in page and 'name="name_fr"' in page


def test_a_partial_shipping_notice_says_the_rest_follows(paid_order, mug, kettle, canada_post, admin_user):
    order = paid_order((mug, 1), (kettle, 1))

    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, kettle).pk: 1}, user=admin_user)

    email = OutboxEmail.objects.get(reference=order.number, subject__contains="on its way")
    assert email.subject == f"comptoir: part of your order {order.number} is on its way"
    assert "Part of your order" in email.text_body and "- 1 × Gooseneck Kettle (KET-1)" in email.text_body
    assert "Stoneware Mug" not in email.text_body
    assert email.status == "pending"  # sent after commit


def test_the_order_page_shows_each_shipment_with_its_tracking_link(paid_order, mug, canada_post, admin_user):
    order = paid_order((mug, 2))
    assert "Shipments" not in Client().get(order.get_absolute_url()).content.decode()

    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 2}, user=admin_user)
    page = Client().get(order.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    assert "Shipments" in html and "Canada Post" in html and "2 × Stoneware Mug (MUG-1)" in html
    assert f'<a href="{CP_LINK}" target="_blank" rel="noopener noreferrer">1234567890123456</a>' in html
    assert "Delivered:" not in html


# --- refused, and nothing changed ------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "message"), [
    ("12 34", "Enter the tracking number without spaces."),
    ("1234567890 123456", "Enter the tracking number without spaces."),
    ("<script>", "A tracking number has only letters A to Z and digits 0 to 9."),
    ("1234-5678", "A tracking number has only letters A to Z and digits 0 to 9."),
    ("", "Enter the tracking number printed on the carrier's label."),
    ("   ", "Enter the tracking number printed on the carrier's label."),
    ("123456789012345", "123456789012345 is not a Canada Post tracking number; check it on the label."),
    ("AB34567890123456", "AB34567890123456 is not a Canada Post tracking number; check it on the label."),
])
def test_a_bad_tracking_number_is_refused_and_nothing_changes(paid_order, mug, canada_post, admin_user, typed,
                                                             message):
    order = paid_order((mug, 2))
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=typed,
                        quantities={_line(order, mug).pk: 2}, user=admin_user)

    assert str(refused.value) == message
    assert _everything(order) == before


def test_a_tracking_number_already_used_with_the_carrier_is_refused(paid_order, mug, canada_post, purolator,
                                                                   admin_user):
    first = paid_order((mug, 1))
    shipment_create(order=first, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(first, mug).pk: 1}, user=admin_user)
    second = paid_order((mug, 1))
    before = _everything(second)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=second, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(second, mug).pk: 1}, user=admin_user)

    assert str(refused.value) == "Canada Post tracking number 1234567890123456 is already used by another shipment."
    assert _everything(second) == before


def test_more_units_than_ordered_are_refused(paid_order, mug, canada_post, admin_user):
    order = paid_order((mug, 2))
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(order, mug).pk: 3}, user=admin_user)

    assert str(refused.value) == f"Order {order.number} has 2 units of MUG-1; 3 cannot ship."
    assert _everything(order) == before


def test_more_units_than_left_to_ship_are_refused(paid_order, mug, canada_post, purolator, admin_user):
    order = paid_order((mug, 3))
    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 2}, user=admin_user)
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=purolator, tracking_number="AB12CD34EF56",
                        quantities={_line(order, mug).pk: 2}, user=admin_user)

    assert str(refused.value) == "Only 1 unit of MUG-1 is left to ship."
    assert _everything(order) == before


@pytest.mark.parametrize(("quantities", "message"), [
    ({}, "Choose at least one item to ship."),
    ({"mug": 0}, "Choose at least one item to ship."),
    ({"mug": -1}, "Quantities are whole numbers, zero or more."),
    ({"mug": 1.5}, "Quantities are whole numbers, zero or more."),
    ({"mug": "1"}, "Quantities are whole numbers, zero or more."),
    ({"mug": True}, "Quantities are whole numbers, zero or more."),
])
def test_no_units_or_odd_quantities_are_refused(paid_order, mug, canada_post, admin_user, quantities, message):
    order = paid_order((mug, 2))
    quantities = {_line(order, mug).pk: units for _key, units in quantities.items()}
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER, quantities=quantities,
                        user=admin_user)

    assert str(refused.value) == message
    assert _everything(order) == before


def test_a_line_of_another_order_is_refused(paid_order, mug, kettle, canada_post, admin_user):
    order = paid_order((mug, 1))
    other = paid_order((kettle, 1))
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(other, kettle).pk: 1}, user=admin_user)

    assert str(refused.value) == f"That item is not part of order {order.number}."
    assert _everything(order) == before


def _backorder_one(order, variant):
    """The line's last unit was not in stock when ordered: it is on backorder and not held."""
    line = _line(order, variant)
    allocation = line.allocations.select_related("stock").get()
    stock_services.stock_release(allocations=[stock_services.Allocation(
        allocation.stock_id, variant.pk, allocation.stock.location_id, 1)], reference=order.number)
    OrderAllocation.objects.filter(pk=allocation.pk).update(quantity=allocation.quantity - 1)
    line.backordered = 1
    line.save(update_fields=["backordered"])


def test_units_on_backorder_cannot_ship_and_the_order_waits_for_them(paid_order, mug, warehouse, canada_post,
                                                                     admin_user):
    order = paid_order((mug, 3))
    _backorder_one(order, mug)
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(order, mug).pk: 3}, user=admin_user)

    assert str(refused.value) == "1 unit of MUG-1 is on backorder; 2 can ship now."
    assert _everything(order) == before

    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 2}, user=admin_user)

    order.refresh_from_db()
    assert order.status == "preparing"
    assert _events_after_payment(order) == [
        ("preparing", "Partly shipped: 2 of 3 items, Canada Post 1234567890123456")]
    assert _stock(mug, warehouse) == (3, 0)


def test_an_unpaid_cheque_order_is_not_shipped(order_for, mug, canada_post, admin_user):
    order = order_for("cheque", (mug, 1))
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(order, mug).pk: 1}, user=admin_user)

    assert str(refused.value) == f"Order {order.number} is not paid yet; it ships once its payment is received."
    assert _everything(order) == before


@pytest.mark.parametrize(("status", "label"), [("cancelled", "Cancelled"), ("shipped", "Shipped")])
def test_a_cancelled_or_shipped_order_is_not_shipped_again(paid_order, mug, canada_post, admin_user, status, label):
    order = paid_order((mug, 1))
    if status == "shipped":
        order_transition(order=order, to="preparing")
    order_transition(order=order, to=status)
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(order, mug).pk: 1}, user=admin_user)

    assert str(refused.value) == f"Order {order.number} is “{label}”; there is nothing to ship."
    assert _everything(order) == before


def test_a_carrier_no_longer_used_is_refused(paid_order, mug, canada_post, admin_user):
    order = paid_order((mug, 1))
    canada_post.is_active = False
    canada_post.save()
    before = _everything(order)

    with pytest.raises(ShipmentError) as refused:
        shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                        quantities={_line(order, mug).pk: 1}, user=admin_user)

    assert str(refused.value) == "Canada Post is no longer used; choose another carrier."
    assert _everything(order) == before


# --- delivery ------------------------------------------------------------------------------------------------------

def test_the_order_is_delivered_when_its_last_parcel_is(paid_order, mug, canada_post, purolator, admin_user):
    order = paid_order((mug, 2))
    first = shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                            quantities={_line(order, mug).pk: 1}, user=admin_user)
    second = shipment_create(order=order, carrier=purolator, tracking_number="AB12CD34EF56",
                             quantities={_line(order, mug).pk: 1}, user=admin_user)

    shipment_deliver(shipment=first, user=admin_user)
    order.refresh_from_db()
    assert order.status == "shipped"

    shipment_deliver(shipment=second, user=admin_user)
    order.refresh_from_db()
    assert order.status == "delivered"
    assert _events_after_payment(order)[-2:] == [("shipped", "Parcel delivered: Canada Post 1234567890123456"),
                                                 ("delivered", "Purolator AB12CD34EF56")]
    assert Shipment.objects.filter(delivered_at__isnull=True).count() == 0


def test_staff_mark_shipments_delivered_from_the_list(admin_client, paid_order, mug, canada_post, admin_user):
    order = paid_order((mug, 2))
    shipment = shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                               quantities={_line(order, mug).pk: 2}, user=admin_user)

    page = admin_client.post(reverse("admin:shipping_shipment_changelist"),
                             {"action": "mark_delivered", "_selected_action": [shipment.pk]}, follow=True)

    assert "1 shipment marked delivered." in page.content.decode()
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.delivered_at is not None and order.status == "delivered"
    html = Client().get(order.get_absolute_url()).content.decode()
    assert "Delivered:" in html


def test_the_shipment_list_links_the_tracking_page_and_the_orders_to_prepare(admin_client, paid_order, mug,
                                                                             canada_post, admin_user):
    order = paid_order((mug, 2))
    shipment_create(order=order, carrier=canada_post, tracking_number=CP_NUMBER,
                    quantities={_line(order, mug).pk: 2}, user=admin_user)

    html = admin_client.get(reverse("admin:shipping_shipment_changelist")).content.decode()

    assert f'<a href="{CP_LINK}" target="_blank" rel="noopener noreferrer">1234567890123456</a>' in html
    assert f'href="{reverse("admin:shipping_shipment_to_prepare")}"' in html


# --- the staff's pages -----------------------------------------------------------------------------------------

def test_staff_ship_through_the_admin_form(admin_client, paid_order, mug, kettle, canada_post):
    order = paid_order((mug, 2), (kettle, 1))
    url = reverse("admin:shipping_shipment_ship", args=[order.pk])
    mug_field, kettle_field = f"line_{_line(order, mug).pk}", f"line_{_line(order, kettle).pk}"

    form = admin_client.get(url)
    assert form.status_code == 200
    assert form.context["form"][mug_field].initial == 2 and form.context["form"][kettle_field].initial == 1

    done = admin_client.post(url, {"carrier": canada_post.pk, "tracking_number": CP_NUMBER, mug_field: "2",
                                   kettle_field: "0"})

    assert done.status_code == 302 and done.url == reverse("admin:shipping_shipment_to_prepare")
    shipment = Shipment.objects.get()
    assert list(shipment.lines.values_list("order_line__sku", "quantity")) == [("MUG-1", 2)]
    order.refresh_from_db()
    assert order.status == "preparing"


@pytest.mark.parametrize(("typed", "units", "message"), [
    ("12 34", "2", "Enter the tracking number without spaces."),
    (CP_NUMBER, "3", "has 2 units of MUG-1; 3 cannot ship."),
    (CP_NUMBER, "0", "Choose at least one item to ship."),
])
def test_the_admin_ship_form_shows_what_is_wrong_and_changes_nothing(admin_client, paid_order, mug, canada_post,
                                                                     typed, units, message):
    order = paid_order((mug, 2))
    before = _everything(order)
    fields = {"carrier": canada_post.pk, "tracking_number": typed, f"line_{_line(order, mug).pk}": units}

    page = admin_client.post(reverse("admin:shipping_shipment_ship", args=[order.pk]), fields)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert _everything(order) == before


def test_the_orders_to_prepare_show_lines_locations_and_late_promises(admin_client, paid_order, order_for, mug,
                                                                      kettle):
    late = paid_order((mug, 1))
    on_time = paid_order((kettle, 2))
    unpaid = order_for("cheque", (mug, 1))
    Order.objects.filter(pk=late.pk).update(promised_on=timezone.localdate() - timedelta(days=1))
    Order.objects.filter(pk=on_time.pk).update(promised_on=timezone.localdate() + timedelta(days=3))

    page = admin_client.get(reverse("admin:shipping_shipment_to_prepare"))

    html = page.content.decode()
    assert page.status_code == 200
    assert [o.number for o in page.context["orders"]] == [late.number, on_time.number]
    assert unpaid.number not in html
    assert html.count('class="late"') == 1
    assert "1 × MUG-1 Stoneware Mug — Calgary Warehouse" in html
    assert "2 × KET-1 Gooseneck Kettle — Calgary Warehouse" in html
    for name in ("shipping_shipment_packing_slip", "shipping_shipment_invoice", "shipping_shipment_ship"):
        assert reverse(f"admin:{name}", args=[late.pk]) in html


def test_the_orders_to_prepare_page_costs_the_same_queries_for_2_or_8_orders(
        admin_client, paid_order, mug, kettle, warehouse, django_assert_max_num_queries):
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=20)
    stock_services.stock_receive(variant=kettle, location=warehouse, quantity=20)
    url = reverse("admin:shipping_shipment_to_prepare")
    for _ in range(2):
        paid_order((mug, 1), (kettle, 1))
    admin_client.get(url)  # the session and permissions warmed up
    with CaptureQueriesContext(connection) as two:
        assert admin_client.get(url).status_code == 200
    for _ in range(6):
        paid_order((mug, 1), (kettle, 1))

    with django_assert_max_num_queries(len(two.captured_queries)):
        page = admin_client.get(url)

    assert len(page.context["orders"]) == 8


def test_the_packing_slip_and_invoice_print_for_staff(admin_client, paid_order, mug, kettle):
    order = paid_order((mug, 2), (kettle, 1))

    slip = admin_client.get(reverse("admin:shipping_shipment_packing_slip", args=[order.pk])).content.decode()
    invoice = admin_client.get(reverse("admin:shipping_shipment_invoice", args=[order.pk])).content.decode()

    for html in (slip, invoice):
        assert '<link rel="stylesheet" href="/static/css/print.css">' in html  # its @media print rules
        assert order.number in html and "comptoir" in html
        assert "Ana Tremblay<br>100 8 Ave SW<br>Calgary AB T2P 1J9" in html
        assert "MUG-1" in html and "Stoneware Mug" in html and "KET-1" in html
    assert '<td class="num">2</td><td class="num">2</td>' in slip  # ordered, to pack
    assert "$18.00" not in slip
    # 2 × $18.00 + $79.00 = $115.00, + $12.00 shipping + $2.50 handling, GST 5 % of $129.50 = $6.48
    for amount in ("$18.00", "$36.00", "$79.00", "$115.00", "$12.00", "$2.50", "$6.48", "$135.98"):
        assert f'<td class="num">{amount}</td>' in invoice
    assert "GST 5 % (on $129.50)" in invoice
    assert order.invoice.number in invoice and "Paid in full. Thank you!" in invoice


def test_an_unpaid_invoice_prints_its_balance_and_due_date(admin_client, order_for, mug):
    from django.utils import formats

    order = order_for("cheque", (mug, 1))

    invoice = admin_client.get(reverse("admin:shipping_shipment_invoice", args=[order.pk])).content.decode()

    due = formats.date_format(order.invoice.due_on, "DATE_FORMAT")
    assert f"Balance due: $34.13, by {due}." in invoice


@pytest.mark.parametrize("name", ["shipping_shipment_packing_slip", "shipping_shipment_invoice",
                                  "shipping_shipment_ship", "shipping_shipment_to_prepare"])
def test_the_staff_pages_are_refused_to_visitors_and_customers(client, django_user_model, paid_order, mug, name):
    order = paid_order((mug, 1))
    url = reverse(f"admin:{name}", args=[] if name.endswith("to_prepare") else [order.pk])

    assert client.get(url).status_code == 302
    assert client.get(url).url.startswith(reverse("admin:login"))
    client.force_login(django_user_model.objects.create_user("customer"))
    assert client.get(url).status_code == 302
    staff = django_user_model.objects.create_user("clerk", is_staff=True)  # staff without shipping rights
    client.force_login(staff)
    assert client.get(url).status_code == 403


# --- two staff at once ------------------------------------------------------------------------------------------

def concurrent(test):
    """Real threads on Postgres, each with its own connection and transaction."""
    for mark in (pytest.mark.concurrency, pytest.mark.django_db(transaction=True)):
        test = mark(test)
    return test


def _outcomes(workers) -> list[str]:
    from inventory.tests.test_concurrency import race

    return sorted("ok" if kind == "ok" else str(result) for kind, result in race(workers))


@concurrent
def test_staff_shipping_the_same_order_at_once_never_ship_a_unit_twice(paid_order, mug, warehouse, canada_post,
                                                                      admin_user):
    order = paid_order((mug, 3))
    line_id = _line(order, mug).pk
    workers = [partial(shipment_create, order=order, carrier=canada_post, tracking_number=f"{n:016d}",
                       quantities={line_id: 2}, user=admin_user) for n in range(1, 7)]

    outcomes = _outcomes(workers)

    assert outcomes == ["ShipmentError('Only 1 unit of MUG-1 is left to ship.')"] * 5 + ["ok"]
    assert _stock(mug, warehouse) == (3, 1) and _held(order) == 1
    assert Shipment.objects.count() == 1 and [u for *_x, u in _sales(order)] == [-2]


@concurrent
def test_one_tracking_number_typed_on_two_orders_at_once_is_used_once(paid_order, mug, canada_post, admin_user):
    orders = [paid_order((mug, 1)), paid_order((mug, 1))]
    workers = [partial(shipment_create, order=o, carrier=canada_post, tracking_number=CP_NUMBER,
                       quantities={_line(o, mug).pk: 1}, user=admin_user) for o in orders]

    outcomes = _outcomes(workers)

    assert outcomes == ["ShipmentError('Canada Post tracking number 1234567890123456 is already used by another "
                        "shipment.')", "ok"]
    assert Shipment.objects.count() == 1
