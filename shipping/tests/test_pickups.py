"""Store pickup (SPEC S6): prepared -> ready for pickup (stock handed over, customer emailed with the store's hours)
-> picked up (the collector's name), seen only by that store's staff; not collected in time is flagged."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from conftest import STAFF_PASSWORD
from inventory.models import StockMovement
from inventory.tests.factories import LocationFactory
from orders.models import DeliveryMethod, Order
from orders.services.status import TransitionNotAllowed, order_transition
from outbox.models import OutboxEmail
from pages.models import StoreHours
from payments.tests.conftest import ALBERTA
from shipping.models import Shipment, StoreAssignment
from shipping.services.pickups import (
    PickupError,
    pickup_collect,
    pickup_mark_ready,
    pickups_for,
    pickups_not_collected,
    pickups_remind,
)
from shipping.tests.conftest import canada, kettle, mug, order_for, paid_order  # noqa: F401 — shared fixtures
from staff.today import today_items

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def calgary(store):
    store.address, store.province, store.postal_code = "200 8 Ave SW", "AB", "T2P 1B5"
    store.opening_hours = "Mon–Sat 10:00–18:00"
    store.save()
    StoreHours.objects.create(location=store, weekday=0, opens=time(10), closes=time(18))
    StoreHours.objects.create(location=store, weekday=6, closed=True)
    return store


@pytest.fixture
def pickup_method(calgary):
    return DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up at the Calgary store", kind="pickup",
                                         price=0, handling_fee=0, pickup_location=calgary)


@pytest.fixture
def pickup_order(pickup_method, canada, admin_user):  # noqa: F811
    """pickup_order((variant, qty), ..., language="en", paid=True): a cheque order to collect in Calgary."""
    from payments.services.received import payment_record

    def place(*items, language="en", paid=True):
        cart = Cart.objects.create()
        for variant, quantity in items:
            cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        details = CheckoutDetails(**ALBERTA, delivery_method_id=pickup_method.pk, payment_method="cheque")
        order = order_place(cart=cart, details=details, language=language)
        if paid:
            payment_record(order=order, amount=order.total, method="cheque", user=admin_user)
        order.refresh_from_db()
        return order

    return place


@pytest.fixture
def clerk(staff_in, calgary):
    """Store staff working at the Calgary store."""
    user = staff_in("Store staff", username="calgary-clerk")
    StoreAssignment.objects.create(user=user, location=calgary)
    return user


@pytest.fixture
def other_clerk(staff_in):
    """Store staff of another store."""
    user = staff_in("Store staff", username="edmonton-clerk")
    StoreAssignment.objects.create(user=user, location=LocationFactory(name="Edmonton store", code="yeg"))
    return user


def _stock(variant, location):
    return variant.stocks.get(location=location)


def _ledger(order):
    return list(StockMovement.objects.filter(reference=order.number).order_by("-pk"))


# --- the service steps ------------------------------------------------------------------------------------------

def test_ready_for_pickup_hands_the_held_units_over_from_stock_without_a_carrier(
        pickup_order, mug, warehouse, clerk, django_capture_on_commit_callbacks):  # noqa: F811
    order = pickup_order((mug, 2))
    assert (_stock(mug, warehouse).on_hand, _stock(mug, warehouse).reserved) == (5, 2)

    with django_capture_on_commit_callbacks(execute=True):
        pickup_mark_ready(order=order, user=clerk)

    order.refresh_from_db()
    assert order.status == S.READY_FOR_PICKUP
    assert order.pickup_ready_at is not None
    assert Shipment.objects.count() == 0
    # The units left stock as a shipment's would: on hand and reserved both down by 2, one online-sale line.
    assert (_stock(mug, warehouse).on_hand, _stock(mug, warehouse).reserved) == (3, 0)
    assert [(m.kind, m.on_hand_delta, m.reserved_delta) for m in _ledger(order)] == [
        ("online_sale", -2, -2), ("online_reservation", 0, 2)]
    assert not order.lines.get().allocations.filter(released=False).exists()
    assert [(e.status, e.note) for e in order.events.all()][-2:] == [
        (S.PREPARING, ""), (S.READY_FOR_PICKUP, "At Calgary store")]


def test_ready_for_pickup_emails_the_customer_the_store_address_and_hours(pickup_order, mug, clerk):  # noqa: F811
    order = pickup_order((mug, 1))

    pickup_mark_ready(order=order, user=clerk)

    email = OutboxEmail.objects.get(reference=order.number, subject__icontains="ready for pickup")
    assert email.to == "ana@example.com"
    assert email.subject == f"{settings.SHOP_NAME}: your order {order.number} is ready for pickup"
    for text in (email.text_body, email.html_body):
        assert f"Your order {order.number} is ready for pickup at Calgary store." in text
        assert "200 8 Ave SW" in text
        assert "Calgary AB T2P 1B5" in text
        assert "Monday" in text and "10:00–18:00" in text
    assert "Monday: 10:00–18:00" in email.text_body
    assert "Sunday: Closed" in email.text_body
    assert "Tuesday: Closed" in email.text_body  # a day without hours is a closed day
    assert "1 × Stoneware Mug (MUG-1)" in email.text_body


def test_a_french_order_is_told_in_french(pickup_order, mug, clerk):  # noqa: F811
    order = pickup_order((mug, 1), language="fr")

    pickup_mark_ready(order=order, user=clerk)

    email = OutboxEmail.objects.get(reference=order.number, text_body__icontains="10:00")
    assert email.language == "fr"
    assert "lundi: 10:00–18:00" in email.text_body.lower().replace("\u00a0", " ").replace(" :", ":")
    assert "Monday" not in email.text_body
    assert "/fr/" in email.text_body or "?t=" in email.text_body  # the order link


def test_without_hours_by_day_the_email_gives_the_stores_summary(pickup_order, mug, clerk, calgary):  # noqa: F811
    StoreHours.objects.filter(location=calgary).delete()
    order = pickup_order((mug, 1))

    pickup_mark_ready(order=order, user=clerk)

    email = OutboxEmail.objects.get(reference=order.number, subject__icontains="ready for pickup")
    assert "Opening hours: Mon–Sat 10:00–18:00" in email.text_body


def test_picked_up_records_who_collected_it_and_delivers_the_order(pickup_order, mug, warehouse, clerk):  # noqa: F811
    order = pickup_order((mug, 2))
    pickup_mark_ready(order=order, user=clerk)
    lines_before = len(_ledger(order))

    pickup_collect(order=order, user=clerk, collected_by="  Marc   Tremblay ")

    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert order.picked_up_by == "Marc Tremblay"
    assert order.picked_up_at is not None
    assert order.events.last().note == "Picked up by Marc Tremblay"
    assert order.events.last().created_by == clerk
    assert len(_ledger(order)) == lines_before  # the stock left when it was made ready
    assert (_stock(mug, warehouse).on_hand, _stock(mug, warehouse).reserved) == (3, 0)


def test_picked_up_needs_a_name_and_a_ready_order(pickup_order, mug, clerk):  # noqa: F811
    order = pickup_order((mug, 1))
    with pytest.raises(PickupError, match="not ready for pickup"):
        pickup_collect(order=order, user=clerk, collected_by="Marc")
    pickup_mark_ready(order=order, user=clerk)
    with pytest.raises(PickupError, match="Enter the name"):
        pickup_collect(order=order, user=clerk, collected_by="   ")
    order.refresh_from_db()
    assert order.status == S.READY_FOR_PICKUP


def test_an_unpaid_or_backordered_pickup_cannot_be_made_ready(pickup_order, mug, kettle, clerk):  # noqa: F811
    unpaid = pickup_order((mug, 1), paid=False)
    with pytest.raises(PickupError, match="not paid yet"):
        pickup_mark_ready(order=unpaid, user=clerk)

    kettle.product.allow_backorder = True
    kettle.product.save()
    waiting = pickup_order((kettle, 5))  # 3 in stock, 2 on backorder
    with pytest.raises(PickupError, match="2 units of KET-1 are on backorder"):
        pickup_mark_ready(order=waiting, user=clerk)
    waiting.refresh_from_db()
    assert waiting.status == S.PAID


def test_the_transition_map_keeps_ready_for_pickup_to_pickup_orders_and_asks_who_collected(
        pickup_order, paid_order, mug, clerk):  # noqa: F811
    shipped_order = paid_order((mug, 1))
    order_transition(order=shipped_order, to=S.PREPARING)
    with pytest.raises(TransitionNotAllowed, match="delivered to an address"):
        order_transition(order=shipped_order, to=S.READY_FOR_PICKUP)

    order = pickup_order((mug, 1))
    pickup_mark_ready(order=order, user=clerk)
    with pytest.raises(TransitionNotAllowed, match="Record who picked up"):
        order_transition(order=order, to=S.DELIVERED)  # the order list's "Mark as delivered" without a name
    with pytest.raises(TransitionNotAllowed):
        order_transition(order=order, to=S.SHIPPED)


# --- whose store ------------------------------------------------------------------------------------------------

def test_store_staff_of_another_store_are_refused_and_see_nothing(pickup_order, mug, clerk, other_clerk,  # noqa: F811
                                                                  client):
    order = pickup_order((mug, 1))

    with pytest.raises(PickupError, match="not one of your stores"):
        pickup_mark_ready(order=order, user=other_clerk)
    order.refresh_from_db()
    assert order.status == S.PAID
    assert not OutboxEmail.objects.filter(reference=order.number, subject__icontains="ready").exists()
    assert list(pickups_for(user=other_clerk)) == []
    assert list(pickups_for(user=clerk)) == [order]

    client.login(username=other_clerk.username, password=STAFF_PASSWORD)
    listing = client.get(reverse("admin:shipping_pickup_changelist"))
    assert listing.status_code == 200
    assert order.number not in listing.content.decode()
    page = reverse("admin:shipping_pickup_change", args=[order.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"step": "ready"}).status_code == 404
    order.refresh_from_db()
    assert order.status == S.PAID


def test_managers_see_every_stores_pickups(pickup_order, mug, staff_in):  # noqa: F811
    order = pickup_order((mug, 1))
    manager = staff_in("Managers")
    assert list(pickups_for(user=manager)) == [order]


@pytest.mark.parametrize("group", ["Warehouse", "Accounts", "Marketing", "Catalogue managers"])
def test_other_groups_may_not_open_the_pickups(group, staff_in, client):
    user = staff_in(group)
    client.login(username=user.username, password=STAFF_PASSWORD)
    assert client.get(reverse("admin:shipping_pickup_changelist")).status_code == 403


def test_store_staff_may_not_change_the_store_assignments(clerk, client):
    client.login(username=clerk.username, password=STAFF_PASSWORD)
    assert client.get(reverse("admin:shipping_storeassignment_changelist")).status_code == 403


def test_store_staff_work_a_pickup_from_the_admin_page(pickup_order, mug, clerk, client):  # noqa: F811
    order = pickup_order((mug, 1))
    client.login(username=clerk.username, password=STAFF_PASSWORD)
    page = reverse("admin:shipping_pickup_change", args=[order.pk])

    shown = client.get(page).content.decode()
    assert "Mark ready for pickup" in shown
    assert "Tracking" not in shown and "Carrier" not in shown
    client.post(page, {"step": "ready"})
    assert "Record the pickup" in client.get(page).content.decode()
    client.post(page, {"step": "collect", "collected_by": "Marc Tremblay"})

    order.refresh_from_db()
    assert (order.status, order.picked_up_by) == (S.DELIVERED, "Marc Tremblay")


# --- not collected ----------------------------------------------------------------------------------------------

def test_a_pickup_not_collected_in_time_is_flagged_and_its_customer_reminded_once(pickup_order, mug, clerk,  # noqa: F811
                                                                                   other_clerk, settings, client):
    settings.SHOP_PICKUP_REMIND_DAYS = 7
    order = pickup_order((mug, 1))
    pickup_mark_ready(order=order, user=clerk)
    Order.objects.filter(pk=order.pk).update(pickup_ready_at=timezone.now() - timedelta(days=6, hours=23))
    assert list(pickups_not_collected()) == []
    assert pickups_remind() == 0

    Order.objects.filter(pk=order.pk).update(pickup_ready_at=timezone.now() - timedelta(days=7, minutes=1))
    assert list(pickups_not_collected()) == [order]
    assert pickups_remind() == 1
    assert pickups_remind() == 0  # once

    reminder = OutboxEmail.objects.get(reference=order.number, subject__icontains="still waiting")
    assert "still waiting for you at Calgary store" in reminder.text_body
    assert "Monday: 10:00–18:00" in reminder.text_body
    assert order.events.last().note == "Pickup reminder sent"

    counts = {item.key: item.count for item in today_items(user=clerk)}
    assert counts["pickups_not_collected"] == 1
    assert {item.key: item.count for item in today_items(user=other_clerk)}["pickups_not_collected"] == 0

    client.login(username=clerk.username, password=STAFF_PASSWORD)
    flagged = client.get(reverse("admin:shipping_pickup_changelist") + "?step=not_collected").content.decode()
    assert order.number in flagged


def test_the_reminder_job_is_scheduled(settings):
    assert settings.SHOP_JOBS["pickups-remind"]["task"] == "shipping.tasks.pickups_remind_daily"


# --- the customer's page ----------------------------------------------------------------------------------------

def test_the_customers_order_page_says_where_to_pick_up_then_who_picked_it_up(pickup_order, mug, clerk, client):  # noqa: F811
    order = pickup_order((mug, 1))
    pickup_mark_ready(order=order, user=clerk)

    page = client.get(order.get_absolute_url()).content.decode()
    assert "Ready for pickup at Calgary store" in page
    assert "200 8 Ave SW" in page

    pickup_collect(order=order, user=clerk, collected_by="Marc Tremblay")
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Ready for pickup at" not in page
    assert "by Marc Tremblay" in page
    assert "Picked up on" in page


def test_a_pickup_order_costs_nothing_to_deliver(pickup_order, mug):  # noqa: F811
    assert pickup_order((mug, 1)).shipping == Decimal("0.00")
