"""Each group reaches what its permissions allow (staff.roles), never more; a customer's key and no key at all reach
nothing. Reads need "view", writes "add"/"change" of the object kind."""

import pytest

from catalog.models import Product, ProductVariant
from crm.models import Contact
from inventory.models import StockMovement
from orders.models import Order
from shipping.models import Shipment

from .conftest import GROUPS

pytestmark = pytest.mark.django_db

STORE, WAREHOUSE, CATALOGUE, ACCOUNTS, MARKETING, MANAGERS = GROUPS
WHO = [*GROUPS, "customer", "anonymous"]

READS = {
    "/api/v1/products/": {STORE, WAREHOUSE, CATALOGUE, MARKETING, MANAGERS},
    "/api/v1/variants/": {STORE, WAREHOUSE, CATALOGUE, MANAGERS},
    "/api/v1/stock/": {STORE, WAREHOUSE, CATALOGUE, MANAGERS},
    "/api/v1/stock/MUG-1/": {STORE, WAREHOUSE, CATALOGUE, MANAGERS},
    "/api/v1/stock/movements/": {STORE, WAREHOUSE, CATALOGUE, MANAGERS},
    "/api/v1/orders/": {WAREHOUSE, ACCOUNTS, MANAGERS},
    "/api/v1/customers/": {MARKETING, MANAGERS},
}


def _key(who, key_in, customer_key):
    if who == "anonymous":
        return None
    return customer_key if who == "customer" else key_in(who)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("path", list(READS))
def test_reads_answer_to_the_groups_that_may_view_them(api, key_in, customer_key, mug, who, path):
    Contact.objects.create(name="Ana", email="ana@example.com")

    response = api("get", path, key=_key(who, key_in, customer_key))

    expected = 200 if who in READS[path] else 401 if who == "anonymous" else 403
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Bearer"


def _product_create(api, key, mug, paid_order, canada_post):
    response = api("post", "/api/v1/products/", key=key,
                   body={"category": mug.product.category_id, "name_en": "Teapot", "slug": "teapot"})
    return response, Product.objects.filter(name_en="Teapot").exists()


def _variant_change(api, key, mug, paid_order, canada_post):
    response = api("patch", f"/api/v1/variants/{mug.pk}/", key=key, body={"price": "19.50"})
    return response, ProductVariant.objects.get(pk=mug.pk).price == 19.5


def _movement_record(api, key, mug, paid_order, canada_post):
    response = api("post", "/api/v1/stock/movements/", key=key,
                   body={"kind": "receipt", "sku": "MUG-1", "location": "wh", "quantity": 2})
    return response, StockMovement.objects.filter(kind="receipt", on_hand_delta=2).exists()


def _order_move(api, key, mug, paid_order, canada_post):
    order = paid_order((mug, 1))
    response = api("post", f"/api/v1/orders/{order.number}/transition/", key=key, body={"status": "preparing"})
    return response, Order.objects.get(pk=order.pk).status == "preparing"


def _order_ship(api, key, mug, paid_order, canada_post):
    order = paid_order((mug, 1))
    response = api("post", f"/api/v1/orders/{order.number}/shipments/", key=key,
                   body={"carrier": "canada-post", "tracking_number": "1234567890123456",
                         "lines": [{"line": order.lines.get().pk, "quantity": 1}]})
    return response, Shipment.objects.filter(order=order).exists()


WRITES = {
    _product_create: (201, {CATALOGUE, MANAGERS}),
    _variant_change: (200, {CATALOGUE, MANAGERS}),
    _movement_record: (201, {STORE, WAREHOUSE, MANAGERS}),
    _order_move: (200, {MANAGERS}),
    _order_ship: (201, {WAREHOUSE, MANAGERS}),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("write", list(WRITES), ids=lambda f: f.__name__.strip("_"))
def test_writes_are_done_for_the_groups_that_may_and_refused_with_nothing_done_for_the_others(
    api, key_in, customer_key, mug, paid_order, canada_post, who, write  # noqa: F811
):
    key = _key(who, key_in, customer_key)

    response, done = write(api, key, mug, paid_order, canada_post)

    success, allowed = WRITES[write]
    expected = success if who in allowed else 401 if who == "anonymous" else 403
    assert response.status_code == expected, response.content
    assert done is (who in allowed)
    assert "error" in response.json() or response.status_code == success


def test_staff_status_alone_gives_nothing(api, django_user_model, mug):
    from .conftest import key_for

    key = key_for(django_user_model.objects.create_user("clerk", is_staff=True))

    assert {api("get", path, key=key).status_code for path in READS} == {403}
