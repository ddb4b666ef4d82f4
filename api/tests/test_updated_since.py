"""?updated_since= gives what changed since then, oldest change first, for syncing another system."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Product, ProductVariant
from catalog.tests.factories import VariantFactory
from crm.models import Contact
from inventory import services as stock_services
from inventory.models import Stock
from orders.models import Order

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=30)
SINCE = (timezone.now() - datetime.timedelta(days=1)).isoformat()


def ids(response, field="id"):
    assert response.status_code == 200, response.content
    return [row[field] for row in response.json()["results"]]


def test_products_and_variants_changed_since(api, superuser_key):
    old, new = VariantFactory(sku="OLD-1"), VariantFactory(sku="NEW-1")
    Product.objects.filter(pk=old.product_id).update(updated_at=LONG_AGO)
    ProductVariant.objects.filter(pk=old.pk).update(updated_at=LONG_AGO)

    products = api("get", f"/api/v1/products/?updated_since={SINCE}", key=superuser_key)
    variants = api("get", f"/api/v1/variants/?updated_since={SINCE}", key=superuser_key)
    everything = api("get", "/api/v1/variants/", key=superuser_key)

    assert ids(products) == [new.product_id]
    assert ids(variants) == [new.pk]
    assert ids(everything) == [old.pk, new.pk]  # oldest change first


def test_stock_levels_movements_orders_and_customers_changed_since(api, superuser_key, mug, paid_order, store):
    old_order, new_order = paid_order((mug, 1)), paid_order((mug, 1))
    Order.objects.filter(pk=old_order.pk).update(updated_at=LONG_AGO)
    Stock.objects.filter(variant=mug).update(updated_at=LONG_AGO)
    stock_services.stock_receive(variant=mug, location=store, quantity=1)  # a new stock level and ledger line
    old_contact = Contact.objects.create(name="Old", email="old@example.com")
    Contact.objects.filter(pk=old_contact.pk).update(updated_at=LONG_AGO)
    Contact.objects.create(name="Supplier Co", kind="supplier")

    orders = api("get", f"/api/v1/orders/?updated_since={SINCE}", key=superuser_key)
    stock = api("get", f"/api/v1/stock/?updated_since={SINCE}", key=superuser_key)
    customers = api("get", f"/api/v1/customers/?updated_since={SINCE}", key=superuser_key)
    all_customers = api("get", "/api/v1/customers/", key=superuser_key)
    movements = api("get", f"/api/v1/stock/movements/?updated_since={timezone.now().isoformat()}",
                    key=superuser_key)

    assert ids(orders, "number") == [new_order.number]
    assert ids(stock, "location") == ["yyc"]
    assert "old@example.com" not in ids(customers, "email")
    assert "Supplier Co" not in ids(all_customers, "name")  # customers only
    assert ids(movements) == []


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00", "0001-01-01T00:00:00+14:00", ""])
def test_a_date_that_is_not_one_is_named_in_a_400(api, superuser_key, value):
    response = api("get", f"/api/v1/products/?updated_since={value}", key=superuser_key)

    assert response.status_code == 400
    assert response.json() == {"error": "Some fields are not valid.", "fields": {
        "updated_since": ["Enter an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z."]}}


def test_an_offset_sent_unencoded_and_a_date_alone_are_understood(api, superuser_key):
    VariantFactory()

    with_plus = api("get", "/api/v1/products/?updated_since=2020-01-01T00:00:00+07:00", key=superuser_key)
    date_only = api("get", "/api/v1/products/?updated_since=2020-01-01", key=superuser_key)

    assert len(ids(with_plus)) == len(ids(date_only)) == 1


def test_an_offset_python_takes_and_postgresql_would_not_is_understood(api, superuser_key):
    VariantFactory()

    response = api("get", "/api/v1/products/?updated_since=1758-03-08T21%3A28%3A56.219%2B21%3A35", key=superuser_key)

    assert len(ids(response)) == 1


def test_lists_come_in_pages(api, superuser_key):
    for _ in range(3):
        VariantFactory()

    page = api("get", "/api/v1/variants/?page_size=2&page=2", key=superuser_key).json()

    assert (page["count"], len(page["results"]), page["next"]) == (3, 1, None)
    assert page["previous"].endswith("/api/v1/variants/?page_size=2")
