"""The shop's order pages: the customer, the holder of the emailed link, or staff holding the permission for what
the page does; being staff (is_staff) is not enough. Staff are members of the ready-made groups (staff.roles)."""

import pytest
from django.test import Client
from django.urls import reverse

from inventory.models import Stock
from orders.models import Order
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, canada, mug, django_user_model):
    """Ana's cheque order for two mugs, placed while signed in: received, its stock held."""
    ana = django_user_model.objects.create_user("ana", "ana@example.com", "ana-pw")
    client.force_login(ana)
    fill_cart(client, (mug, 2))
    checkout(client, canada, ALBERTA)
    place(client)
    order = Order.objects.get()
    assert (order.user, order.status, Stock.objects.get().reserved) == (ana, "received", 2)
    return order


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def page_url(order):
    return reverse("orders:order_detail", args=[order.number])


def test_a_store_clerk_may_neither_open_nor_cancel_a_customers_order(order, staff_in):
    clerk = signed_in(staff_in("Store staff"))

    assert clerk.get(page_url(order)).status_code == 404
    assert clerk.post(reverse("orders:order_cancel", args=[order.number])).status_code == 404
    assert clerk.get(reverse("returns:return_create", args=[order.number])).status_code == 404
    assert clerk.post(reverse("payments:order_pay", args=[order.number])).status_code == 404

    order.refresh_from_db()
    assert order.status == "received"
    assert Stock.objects.get().reserved == 2
    assert list(order.events.values_list("status", flat=True)) == ["received"]


def test_staff_without_any_group_are_refused_like_strangers(order, django_user_model):
    staff = signed_in(django_user_model.objects.create_user("new-hire", is_staff=True))

    assert staff.get(page_url(order)).status_code == 404
    assert staff.post(reverse("orders:order_cancel", args=[order.number])).status_code == 404


def test_warehouse_staff_see_the_order_but_not_its_invoice_and_may_not_cancel_it(order, staff_in):
    picker = signed_in(staff_in("Warehouse"))

    page = picker.get(page_url(order))

    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and "Stoneware Mug" in html
    assert "Invoice and payments" not in html
    assert "Cancel this order" not in html
    assert picker.post(reverse("orders:order_cancel", args=[order.number])).status_code == 403
    assert picker.get(reverse("returns:return_create", args=[order.number])).status_code == 403
    order.refresh_from_db()
    assert order.status == "received"


def test_accounts_staff_see_the_invoice_on_the_order_page(order, staff_in):
    page = signed_in(staff_in("Accounts")).get(page_url(order))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Invoice and payments" in html
    assert "Cancel this order" not in html


def test_a_manager_cancels_a_customers_order_and_the_timeline_says_the_shop_did(order, staff_in):
    manager = signed_in(staff_in("Managers"))
    assert "Cancel this order" in manager.get(page_url(order)).content.decode()

    response = manager.post(reverse("orders:order_cancel", args=[order.number]))

    assert response.status_code == 302
    assert response["Location"] == page_url(order)  # the plain page: staff are not handed the customer's link
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert Stock.objects.get().reserved == 0
    assert list(order.events.values_list("status", "note")) == [
        ("received", ""), ("cancelled", "Cancelled by the shop")]
    assert f"Order {order.number} is cancelled." in manager.get(page_url(order)).content.decode()


def test_the_owner_still_cancels_their_own_order(client, order):
    response = client.post(reverse("orders:order_cancel", args=[order.number]), follow=True)

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert f"Your order {order.number} is cancelled." in response.content.decode()
    assert order.events.get(status="cancelled").note == "Cancelled by the customer"


def test_a_staff_member_holding_the_emailed_link_acts_as_the_customer(order, staff_in):
    clerk = signed_in(staff_in("Store staff"))

    assert clerk.get(order.get_absolute_url()).status_code == 200
    clerk.post(reverse("orders:order_cancel", args=[order.number]), {"t": order.access_token})

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.events.get(status="cancelled").note == "Cancelled by the customer"
