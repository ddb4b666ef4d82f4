import pytest
from django.urls import reverse

from inventory.models import Stock, StockMovement
from orders.models import Order
from orders.services.status import TransitionNotAllowed, order_transition
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, canada, mug):
    fill_cart(client, (mug, 2))
    checkout(client, canada, ALBERTA)
    place(client)
    return Order.objects.get()


def test_the_guest_reaches_the_order_through_the_signed_link(client, order):
    from django.test import Client

    page = Client().get(order.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and "Received" in html and "$53.03" in html


@pytest.mark.parametrize("suffix", ["", "?t=", "?t=forged", "?t=AAAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_nobody_opens_an_order_without_its_link(order, suffix):
    from django.test import Client

    assert Client().get(reverse("orders:order_detail", args=[order.number]) + suffix).status_code == 404


def test_a_link_for_one_order_does_not_open_another(client, canada, mug, order):
    fill_cart(client, (mug, 1))
    checkout(client, canada, ALBERTA)
    place(client)
    other = Order.objects.exclude(pk=order.pk).get()
    from django.test import Client

    guessed = reverse("orders:order_detail", args=[other.number]) + f"?t={order.access_token}"

    assert Client().get(guessed).status_code == 404
    assert Client().get(reverse("orders:order_detail", args=["C-99999"])).status_code == 404


def test_a_signed_in_customer_sees_their_own_orders_only(client, django_user_model, order):
    owner = django_user_model.objects.create_user("owner")
    stranger = django_user_model.objects.create_user("stranger")
    Order.objects.filter(pk=order.pk).update(user=owner)
    url = reverse("orders:order_detail", args=[order.number])

    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_customer_cancels_before_shipment_and_the_stock_comes_back(client, order):
    response = client.post(reverse("orders:order_cancel", args=[order.number]), {"t": order.access_token},
                           follow=True)

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert f"Your order {order.number} is cancelled." in response.content.decode()
    assert Stock.objects.get().reserved == 0
    assert StockMovement.objects.filter(kind="online_release", reference=order.number).count() == 1
    assert list(order.events.values_list("status", flat=True)) == ["received", "cancelled"]


def test_cancelling_without_the_link_is_refused(order):
    from django.test import Client

    assert Client().post(reverse("orders:order_cancel", args=[order.number])).status_code == 404
    order.refresh_from_db()
    assert order.status == "received"


@pytest.mark.parametrize("status, timeline", [
    ("paid", ["received", "paid"]),
    ("preparing", ["received", "paid", "preparing"]),
])
def test_a_guest_with_the_link_cannot_cancel_an_order_once_it_is_paid_or_being_prepared(order, status, timeline):
    # The allowed moves let staff cancel a paid or prepared order; the customer's link cancels only a received one.
    from decimal import Decimal

    from django.test import Client

    from payments.models import Invoice
    from payments.services.received import payment_record

    guest, page = Client(), order.get_absolute_url()
    assert "Cancel this order" in guest.get(page).content.decode()  # offered while the order is only received
    payment_record(order=order, amount=Decimal("53.03"), method="cheque", reference="No. 12")  # paid in full
    if status == "preparing":
        order_transition(order=order, to="preparing")

    response = guest.post(reverse("orders:order_cancel", args=[order.number]), {"t": order.access_token})

    assert (response.status_code, response["Location"]) == (302, page)
    html = guest.get(page).content.decode()
    assert "This order is already being handled; please contact us to change it." in html
    assert "Cancel this order" not in html
    order.refresh_from_db()
    assert order.status == status
    assert list(order.events.values_list("status", flat=True)) == timeline
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (5, 2)
    assert not StockMovement.objects.filter(kind="online_release").exists()
    assert Invoice.objects.get(order=order).status == Invoice.Status.PAID


def test_status_moves_follow_the_allowed_map_and_shipping_takes_stock_off_the_shelf(order, admin_user):
    for status in ("paid", "preparing", "shipped", "delivered"):
        order_transition(order=order, to=status, user=admin_user)

    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert list(Order.objects.get().events.values_list("status", flat=True)) == [
        "received", "paid", "preparing", "shipped", "delivered"]
    with pytest.raises(TransitionNotAllowed):
        order_transition(order=order, to="cancelled")


def test_staff_actions_in_the_admin_move_orders_and_refuse_impossible_moves(admin_client, order):
    changelist = reverse("admin:orders_order_changelist")

    admin_client.post(changelist, {"action": "mark_delivered", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == "received"  # received -> delivered is not allowed
    # Cancelling asks for confirmation first (payments.services.cancellation), then cancels.
    admin_client.post(changelist, {"action": "cancel_orders", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == "received"
    admin_client.post(changelist, {"action": "cancel_orders", "_selected_action": [order.pk], "confirm": "yes"},
                      follow=True)
    order.refresh_from_db()
    assert order.status == "cancelled"
    listing = admin_client.get(changelist + "?status__exact=cancelled").content.decode()
    assert order.number in listing


def test_staff_see_an_orders_lines_taxes_and_timeline_read_only(admin_client, order):
    page = admin_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "MUG-1" in html and "GST" in html and "Received" in html
    assert 'name="lines-0-quantity"' not in html  # frozen: shown, not editable
