"""Purchase orders through the API: read by Warehouse, Accounts and Managers; made, sent and received by Warehouse
and Managers through purchasing's services (receipts in the ledger, over-receipt refused); every write idempotent."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import selectors as stock_selectors
from outbox.models import OutboxEmail
from purchasing.models import PurchaseOrder
from purchasing.services.orders import purchase_order_create, purchase_order_send
from purchasing.tests.factories import SupplierItemFactory, SupplierTermsFactory

from .conftest import GROUPS

pytestmark = pytest.mark.django_db

STORE, WAREHOUSE, CATALOGUE, ACCOUNTS, MARKETING, MANAGERS = GROUPS
WHO = [*GROUPS, "customer", "anonymous"]
READERS = {WAREHOUSE, ACCOUNTS, MANAGERS}
WRITERS = {WAREHOUSE, MANAGERS}


@pytest.fixture
def supplier(db):
    """Potier & fils: 14 days' lead time, orders emailed to commandes@potier.example."""
    return SupplierTermsFactory(supplier__name="Potier & fils", lead_time_days=14,
                                order_email="commandes@potier.example").supplier


@pytest.fixture
def mug_item(mug, supplier):  # noqa: F811 — api.conftest's mug: MUG-1, 5 at the warehouse, no cost yet
    return SupplierItemFactory(supplier=supplier, variant=mug, supplier_sku="P-MUG", unit_cost=Decimal("4.50"))


@pytest.fixture
def sent(mug_item, supplier, warehouse):
    """PO for 10 mugs at $4.50, sent."""
    order = purchase_order_create(supplier=supplier, location=warehouse, lines=[(mug_item.variant, 10, None)])
    return purchase_order_send(order=order)


def _key(who, key_in, customer_key):
    if who == "anonymous":
        return None
    return customer_key if who == "customer" else key_in(who)


def _receive(api, key, order, quantity, **extra):
    body = {"lines": [{"line": order.lines.get().pk, "quantity": quantity}], **extra}
    return api("post", f"/api/v1/purchase-orders/{order.pk}/receive/", key=key, body=body)


def _receipts(order):
    return list(stock_selectors.stock_movements().filter(kind="receipt", reference=order.number)
                .order_by("pk").values_list("location__code", "on_hand_delta", "on_hand_after"))


@pytest.mark.parametrize("who", WHO)
def test_purchase_orders_are_read_by_warehouse_accounts_and_managers_only(api, key_in, customer_key, sent, who):
    key = _key(who, key_in, customer_key)
    expected = 200 if who in READERS else 401 if who == "anonymous" else 403

    listed = api("get", "/api/v1/purchase-orders/", key=key)
    one = api("get", f"/api/v1/purchase-orders/{sent.pk}/", key=key)

    assert (listed.status_code, one.status_code) == (expected, expected), listed.content
    if expected == 200:
        assert [row["number"] for row in listed.json()["results"]] == [sent.number]
        body = one.json()
        assert (body["status"], body["supplier_name"], body["location"], body["total"]) == (
            "sent", "Potier & fils", "wh", "45.00")
        assert [(line["sku"], line["supplier_sku"], line["quantity_ordered"], line["quantity_left"],
                 line["unit_cost"]) for line in body["lines"]] == [("MUG-1", "P-MUG", 10, 10, "4.50")]


@pytest.mark.parametrize("who", WHO)
def test_purchase_orders_are_made_and_received_by_warehouse_and_managers_only(api, key_in, customer_key, supplier,
                                                                               mug_item, sent, who):
    key = _key(who, key_in, customer_key)
    expected = "ok" if who in WRITERS else 401 if who == "anonymous" else 403

    made = api("post", "/api/v1/purchase-orders/", key=key,
               body={"supplier": supplier.pk, "lines": [{"sku": "MUG-1", "quantity": 3}]})
    received = _receive(api, key, sent, 2)

    if expected == "ok":
        assert (made.status_code, received.status_code) == (201, 200), (made.content, received.content)
        assert PurchaseOrder.objects.count() == 2
        assert _receipts(sent) == [("wh", 2, 7)]
    else:
        assert (made.status_code, received.status_code) == (expected, expected)
        assert PurchaseOrder.objects.count() == 1
        assert _receipts(sent) == []


def test_a_draft_takes_the_suppliers_cost_and_sku_unless_a_cost_is_given(api, key_in, supplier, mug_item, kettle,
                                                                         warehouse):
    key = key_in(WAREHOUSE)

    response = api("post", "/api/v1/purchase-orders/", key=key, body={
        "supplier": supplier.pk, "notes": "Deliver before noon",
        "lines": [{"sku": "mug-1", "quantity": 12}, {"sku": "KET-1", "quantity": 2, "unit_cost": "31.255"}]})

    assert response.status_code == 400  # three decimals
    response = api("post", "/api/v1/purchase-orders/", key=key, body={
        "supplier": supplier.pk, "notes": "Deliver before noon",
        "lines": [{"sku": "mug-1", "quantity": 12}, {"sku": "KET-1", "quantity": 2, "unit_cost": "31.25"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    order = PurchaseOrder.objects.get()
    assert (body["number"], body["status"], body["location"], body["total"], body["notes"]) == (
        order.number, "draft", "wh", "116.50", "Deliver before noon")
    assert body["expected_on"] == str(timezone.localdate() + datetime.timedelta(days=14))
    assert [(line["sku"], line["supplier_sku"], line["quantity_ordered"], line["unit_cost"])
            for line in body["lines"]] == [("MUG-1", "P-MUG", 12, "4.50"), ("KET-1", "", 2, "31.25")]
    assert [event["status"] for event in body["events"]] == ["draft"]


def test_a_sku_the_supplier_does_not_list_needs_a_cost_and_bad_fields_are_named(api, key_in, supplier, mug_item,
                                                                                kettle):
    key = key_in(WAREHOUSE)

    no_cost = api("post", "/api/v1/purchase-orders/", key=key,
                  body={"supplier": supplier.pk, "lines": [{"sku": "KET-1", "quantity": 2}]})
    bad = api("post", "/api/v1/purchase-orders/", key=key,
              body={"supplier": kettle.product.pk + 999, "location": "nowhere",
                    "lines": [{"sku": "NOPE", "quantity": 0}]})

    assert no_cost.status_code == 400
    assert no_cost.json() == {"error": "KET-1 is not among Potier & fils's items: give its unit cost."}
    assert bad.status_code == 400
    fields = bad.json()["fields"]
    assert set(fields) == {"supplier", "location", "lines"}
    assert fields["location"] == ["No active location has that code."]
    assert fields["lines"]["0"]["sku"] == ["No product has the SKU “NOPE”."]  # per line, by its index
    assert PurchaseOrder.objects.count() == 0


def test_made_then_sent_then_received_partly_then_fully_through_the_ledger(api, key_in, supplier, mug_item, mug,
                                                                          store):
    key = key_in(MANAGERS)
    made = api("post", "/api/v1/purchase-orders/", key=key,
               body={"supplier": supplier.pk, "lines": [{"sku": "MUG-1", "quantity": 10}]})
    order = PurchaseOrder.objects.get(pk=made.json()["id"])

    draft_received = _receive(api, key, order, 1)
    sent = api("post", f"/api/v1/purchase-orders/{order.pk}/send/", key=key)
    partly = _receive(api, key, order, 4, location="yyc")
    fully = _receive(api, key, order, 6)

    assert draft_received.status_code == 409
    assert draft_received.json()["error"].startswith("Goods are received against a sent purchase order")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert OutboxEmail.objects.filter(to="commandes@potier.example", reference=order.number).count() == 1
    assert partly.status_code == 200 and partly.json()["status"] == "partly_received"
    assert partly.json()["lines"][0]["quantity_left"] == 6
    assert fully.status_code == 200 and fully.json()["status"] == "received"
    assert _receipts(order) == [("yyc", 4, 4), ("wh", 6, 11)]
    assert [event["status"] for event in fully.json()["events"]] == ["draft", "sent", "partly_received", "received"]
    mug.refresh_from_db()
    assert mug.cost_price == Decimal("4.50")


def test_receiving_more_than_a_line_still_expects_is_refused_and_nothing_is_recorded(api, key_in, sent):
    key = key_in(WAREHOUSE)
    _receive(api, key, sent, 8)

    response = _receive(api, key, sent, 3)
    unknown = api("post", f"/api/v1/purchase-orders/{sent.pk}/receive/", key=key,
                  body={"lines": [{"line": 999999, "quantity": 1}]})

    assert response.status_code == 400
    assert response.json() == {"error": "MUG-1: 3 units cannot be received, only 2 of the 10 ordered are still "
                                        "expected."}
    assert unknown.status_code == 400
    assert unknown.json()["fields"] == {"lines": [f"Purchase order {sent.number} has no line 999999."]}
    assert _receipts(sent) == [("wh", 8, 13)]
    assert sent.lines.get().quantity_received == 8


def test_a_create_and_a_receipt_sent_twice_with_the_same_key_are_done_once(api, key_in, supplier, mug_item, sent):
    key = key_in(WAREHOUSE)
    body = {"supplier": supplier.pk, "lines": [{"sku": "MUG-1", "quantity": 3}]}
    receipt = {"lines": [{"line": sent.lines.get().pk, "quantity": 2}]}

    first = api("post", "/api/v1/purchase-orders/", key=key, body=body, idempotency_key="po-1")
    again = api("post", "/api/v1/purchase-orders/", key=key, body=body, idempotency_key="po-1")
    received = api("post", f"/api/v1/purchase-orders/{sent.pk}/receive/", key=key, body=receipt,
                   idempotency_key="rc-1")
    received_again = api("post", f"/api/v1/purchase-orders/{sent.pk}/receive/", key=key, body=receipt,
                         idempotency_key="rc-1")
    other = api("post", f"/api/v1/purchase-orders/{sent.pk}/receive/", key=key,
                body={"lines": [{"line": sent.lines.get().pk, "quantity": 1}]}, idempotency_key="rc-1")
    no_key = api("post", "/api/v1/purchase-orders/", key=key, body=body, idempotency_key=None)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert PurchaseOrder.objects.count() == 2
    assert (received.status_code, received_again.status_code) == (200, 200)
    assert received_again["Idempotent-Replayed"] == "true"
    assert _receipts(sent) == [("wh", 2, 7)]
    assert other.status_code == 422
    assert no_key.status_code == 400 and PurchaseOrder.objects.count() == 2


def test_updated_since_lists_the_orders_that_moved_since_then(api, key_in, supplier, mug_item, warehouse, sent):
    key = key_in(ACCOUNTS)
    old = purchase_order_create(supplier=supplier, location=warehouse, lines=[(mug_item.variant, 1, None)])
    PurchaseOrder.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    old.events.update(created_at=timezone.now() - datetime.timedelta(days=3))
    PurchaseOrder.objects.filter(pk=sent.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    sent.events.filter(status="draft").update(created_at=timezone.now() - datetime.timedelta(days=3))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = api("get", f"/api/v1/purchase-orders/?updated_since={since.replace('+', '%2B')}", key=key)

    assert response.status_code == 200
    # both made three days ago; only the one sent since then is listed
    assert [row["number"] for row in response.json()["results"]] == [sent.number]
