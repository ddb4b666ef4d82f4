"""A stock count lower than the units reserved: recorded as what is on the shelf; the shortfall is taken off the
waiting orders newest first, back on backorder, each order flagged with a timeline line (issue 18, item 5)."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import F
from django.urls import reverse

from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services as stock_services
from inventory.models import Stock, StockMovement
from orders.models import Order, OrderAllocation, OrderEvent, OrderLine
from orders.services.backorders import backorders_fill

pytestmark = pytest.mark.django_db


def _details(delivery, email):
    return CheckoutDetails(email=email, phone="403-555-0101", ship_name="Ana Tremblay", ship_address="100 8 Ave SW",
                           ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
                           delivery_method_id=delivery.pk, payment_method="cheque")


@pytest.fixture
def two_waiting(canada, mug):
    """5 mugs at the warehouse: the older order holds 2, the newer one 2 (4 reserved, 1 free)."""
    orders = []
    for email in ("older@example.com", "newer@example.com"):
        cart = Cart.objects.create()
        cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
        orders.append(order_place(cart=cart, details=_details(canada, email), language="en"))
    return orders


def stock(mug):
    return Stock.objects.get(variant=mug)


def line_of(order):
    return OrderLine.objects.get(order=order)


def held(order):
    return sum(a.quantity for a in OrderAllocation.objects.filter(line__order=order, released=False))


def test_a_count_lower_than_reserved_takes_the_shortfall_off_the_newest_order_first(two_waiting, mug, warehouse):
    older, newer = two_waiting
    assert (stock(mug).on_hand, stock(mug).reserved) == (5, 4)

    result = stock_services.stock_count_record(variant=mug, location=warehouse, counted=1, reason="3 broken",
                                               release_reserved=True)

    # 3 short: the newer order gives up both its units, the older one 1 of its 2.
    assert result.taken == ((newer.number, 2), (older.number, 1))
    assert (stock(mug).on_hand, stock(mug).reserved) == (1, 1)
    assert (held(newer), line_of(newer).backordered) == (0, 2)
    assert (held(older), line_of(older).backordered) == (1, 1)
    assert not Stock.objects.filter(reserved__gt=F("on_hand")).exists()


def test_the_ledger_shows_the_releases_per_order_then_the_correction(two_waiting, mug, warehouse):
    older, newer = two_waiting
    before = StockMovement.objects.count()

    stock_services.stock_count_record(variant=mug, location=warehouse, counted=1, reason="3 broken",
                                      release_reserved=True)

    rows = list(StockMovement.objects.order_by("pk")[before:].values_list(
        "kind", "reference", "on_hand_delta", "reserved_delta", "on_hand_after", "reserved_after"))
    assert rows == [
        ("online_release", newer.number, 0, -2, 5, 2),
        ("online_release", older.number, 0, -1, 5, 1),
        ("correction", "", -4, 0, 1, 1),
    ]
    assert StockMovement.objects.filter(kind="online_release",
                                        reason=f"Count short at {warehouse.name}: 3 broken").count() == 2


def test_the_orders_losing_units_are_flagged_with_a_timeline_line(two_waiting, mug, warehouse):
    older, newer = two_waiting

    stock_services.stock_count_record(variant=mug, location=warehouse, counted=1, reason="3 broken",
                                      release_reserved=True)

    newer.refresh_from_db()
    older.refresh_from_db()
    expected = (f"Stock count at {warehouse.name} found fewer units than reserved: 2 × MUG-1 back on backorder.")
    assert newer.attention == expected
    assert older.attention == expected.replace("2 × MUG-1", "1 × MUG-1")
    assert OrderEvent.objects.filter(order=newer, note=expected).count() == 1
    assert newer.status == Order.Status.RECEIVED  # still waiting, not cancelled


def test_the_units_given_up_are_held_again_oldest_first_when_stock_arrives(two_waiting, mug, warehouse):
    older, newer = two_waiting
    stock_services.stock_count_record(variant=mug, location=warehouse, counted=1, reason="3 broken",
                                      release_reserved=True)

    stock_services.stock_receive(variant=mug, location=warehouse, quantity=2)
    backorders_fill(variant_ids=[mug.pk])

    assert (held(older), line_of(older).backordered) == (2, 0)
    assert (held(newer), line_of(newer).backordered) == (1, 1)
    assert (stock(mug).on_hand, stock(mug).reserved) == (3, 3)


def test_without_confirmation_a_count_below_reserved_is_still_refused(two_waiting, mug, warehouse):
    with pytest.raises(stock_services.StockError, match="4 units are reserved"):
        stock_services.stock_correct(variant=mug, location=warehouse, counted=1, reason="x")

    assert (stock(mug).on_hand, stock(mug).reserved) == (5, 4)
    assert not OrderLine.objects.filter(backordered__gt=0).exists()


@pytest.mark.parametrize("counted, on_hand", [(4, 4), (5, 5), (9, 9)])
def test_a_count_at_or_above_reserved_touches_no_order(two_waiting, mug, warehouse, counted, on_hand):
    result = stock_services.stock_count_record(variant=mug, location=warehouse, counted=counted, reason="count",
                                               release_reserved=True)

    assert result.taken == ()
    assert (stock(mug).on_hand, stock(mug).reserved) == (on_hand, 4)
    assert (result.movement is None) == (counted == 5)
    assert not Order.objects.exclude(attention="").exists()
    assert not OrderLine.objects.filter(backordered__gt=0).exists()
    assert not StockMovement.objects.filter(kind="online_release").exists()


# The clerk's form


@pytest.fixture
def clerk(django_user_model, client):
    from staff.roles import STORE_STAFF
    from staff.services import staff_groups_sync

    staff_groups_sync()
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=STORE_STAFF))
    client.force_login(user)
    return user


def _count(client, warehouse, counted, **extra):
    return client.post(reverse("admin:inventory_stock_record", args=["correction"]),
                       {"variant": "MUG-1", "location": warehouse.pk, "counted": counted, "reason": "3 broken",
                        **extra}, follow=True)


def test_the_count_form_asks_for_confirmation_naming_the_orders_before_recording(two_waiting, mug, warehouse, clerk,
                                                                                  client):
    older, newer = two_waiting

    page = _count(client, warehouse, 1)

    text = page.content.decode()
    assert page.status_code == 200
    assert f"3 units short: orders {newer.number} and {older.number} go back on backorder." in text
    assert (stock(mug).on_hand, stock(mug).reserved) == (5, 4)  # nothing recorded yet
    assert not OrderLine.objects.filter(backordered__gt=0).exists()

    done = _count(client, warehouse, 1, confirm_short="3")

    assert (stock(mug).on_hand, stock(mug).reserved) == (1, 1)
    messages = [str(m) for m in done.context["messages"]]
    assert f"3 units short: orders {newer.number} and {older.number} go back on backorder. They are flagged for " \
           "staff on the orders page." in messages
    assert "Count correction recorded: MUG-1 at " in " ".join(messages)


def test_a_confirmation_for_another_shortfall_asks_again(two_waiting, mug, warehouse, clerk, client):
    page = _count(client, warehouse, 1, confirm_short="2")  # confirmed when 2 were short; now 3 are

    assert "3 units short" in page.content.decode()
    assert (stock(mug).on_hand, stock(mug).reserved) == (5, 4)


def test_a_count_at_or_above_reserved_is_recorded_without_confirmation(two_waiting, mug, warehouse, clerk, client):
    done = _count(client, warehouse, 4)

    assert (stock(mug).on_hand, stock(mug).reserved) == (4, 4)
    assert [str(m) for m in done.context["messages"]] == [
        f"Count correction recorded: MUG-1 at {warehouse.name}, on hand now 4 (0 available)."]


def test_a_shortfall_no_order_holds_is_refused_with_a_clear_message(mug, warehouse, clerk, client):
    stock_services.stock_reserve(lines=[(mug.pk, 3)])  # held outside any order

    page = _count(client, warehouse, 1)

    assert page.status_code == 200
    assert "3 units are reserved here, but waiting orders hold only 0 of them" in page.content.decode()
    assert (stock(mug).on_hand, stock(mug).reserved) == (5, 3)

