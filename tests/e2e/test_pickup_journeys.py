"""Store pickup in a real browser, as the store's staff do it: a customer's paid pickup order is made ready (the
customer is emailed with the store's address and hours), then handed over and recorded with the name of the person
who collected it. No carrier, no tracking number."""

import re
from datetime import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from orders.models import DeliveryMethod, Order
from pages.models import StoreHours
from shipping.models import Shipment, StoreAssignment
from tests.e2e.helpers import STAFF_PASSWORD, admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def email_links(settings, live_server):
    settings.SHOP_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def calgary_pickup(store, canada):
    store.address, store.province, store.postal_code = "200 8 Ave SW", "AB", "T2P 1B5"
    store.save()
    for weekday in range(6):
        StoreHours.objects.create(location=store, weekday=weekday, opens=time(10), closes=time(18))
    StoreHours.objects.create(location=store, weekday=6, closed=True)
    return DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up at the Calgary store", kind="pickup",
                                         price=0, handling_fee=0, pickup_location=store)


@pytest.fixture
def paid_pickup(calgary_pickup, mug, staff):
    """Ana's cheque order for two mugs, to collect at the Calgary store, paid."""
    from payments.services.received import payment_record

    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    order = order_place(cart=cart, language="en", details=CheckoutDetails(
        email="ana@example.com", phone="", ship_name="Ana Tremblay", ship_address="", ship_city="",
        ship_province="AB", ship_postal_code="", delivery_method_id=calgary_pickup.pk, payment_method="cheque"))
    payment_record(order=order, amount=order.total, method="cheque", user=staff)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


@pytest.fixture
def clerk(django_user_model, store):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("sam", password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Store staff"))
    StoreAssignment.objects.create(user=user, location=store)
    return user


def test_store_staff_make_a_pickup_ready_then_record_who_picked_it_up(page: Page, paid_pickup, clerk, mug,
                                                                      warehouse, email_links):
    order = paid_pickup
    mail.outbox.clear()
    admin_log_in(page, clerk)

    # The store's pickups, from the admin's home.
    page.get_by_role("link", name="Pickups", exact=True).first.click()
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=f"Pickup of order {order.number}")).to_be_visible()
    expect(page.get_by_text("Tracking", exact=False)).to_have_count(0)
    expect(page.get_by_label("Carrier")).to_have_count(0)

    page.get_by_role("button", name="Mark ready for pickup").click()
    expect(page.get_by_text(f"Order {order.number} is ready for pickup; the customer was emailed.")).to_be_visible()

    # The customer's email: the store's address and its hours, day by day.
    sent = [m for m in mail.outbox if "ready for pickup" in m.subject]
    assert len(sent) == 1 and sent[0].to == ["ana@example.com"]
    assert "ready for pickup at Calgary store" in sent[0].body
    assert "200 8 Ave SW" in sent[0].body
    assert "Monday: 10:00–18:00" in sent[0].body and "Sunday: Closed" in sent[0].body
    order_url = re.search(r"https?://\S+\?t=\S+", sent[0].body).group(0)

    # The units left the warehouse's stock as a handover, not as a shipment.
    stock = mug.stocks.get(location=warehouse)
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert not Shipment.objects.exists()

    page.get_by_label("Picked up by").fill("Marc Tremblay")
    page.get_by_role("button", name="Record the pickup").click()
    expect(page.get_by_text(f"Order {order.number} was picked up by Marc Tremblay.")).to_be_visible()
    order.refresh_from_db()
    assert (order.status, order.picked_up_by) == (Order.Status.DELIVERED, "Marc Tremblay")

    # The customer's order page, from the email's link.
    page.goto(order_url)
    main = page.get_by_role("main")
    expect(main.get_by_text("Delivered", exact=True)).to_be_visible()
    expect(main.get_by_text(re.compile(r"Picked up on .+ by Marc Tremblay"))).to_be_visible()
    expect(main.get_by_text("Picked up by Marc Tremblay", exact=False)).to_be_visible()  # the timeline
