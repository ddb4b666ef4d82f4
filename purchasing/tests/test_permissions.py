"""Who may do what in purchasing (staff.roles): Warehouse and Managers work with it all; Accounts see purchase
orders; Catalogue managers see suppliers' terms and items; everyone else gets 403."""

import pytest
from django.urls import reverse

from purchasing.services.orders import purchase_order_send, purchase_orders_from_suggestions
from purchasing.tests.test_purchase_orders import _suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(mug, warehouse, supplier):
    [order] = purchase_orders_from_suggestions(suggestion_ids=[_suggestion(mug, warehouse, supplier, 12).pk])
    return purchase_order_send(order=order)


PAGES = {
    "orders": lambda po: reverse("admin:purchasing_purchaseorder_changelist"),
    "order": lambda po: reverse("admin:purchasing_purchaseorder_change", args=[po.pk]),
    "receive": lambda po: reverse("admin:purchasing_purchaseorder_receive", args=[po.pk]),
    "print": lambda po: reverse("admin:purchasing_purchaseorder_print", args=[po.pk]),
    "suggestions": lambda po: reverse("admin:purchasing_reordersuggestion_changelist"),
    "terms": lambda po: reverse("admin:purchasing_supplierterms_changelist"),
    "items": lambda po: reverse("admin:purchasing_supplieritem_changelist"),
    "alerts": lambda po: reverse("admin:purchasing_lowstockalert_changelist"),
    "new item": lambda po: reverse("admin:purchasing_supplieritem_add"),
}
OK, NO = 200, 403
EXPECTED = {
    "Warehouse": dict.fromkeys(PAGES, OK),
    "Managers": dict.fromkeys(PAGES, OK),
    "Accounts": {**dict.fromkeys(PAGES, NO), "orders": OK, "order": OK, "print": OK},
    "Catalogue managers": {**dict.fromkeys(PAGES, NO), "terms": OK, "items": OK},
    "Store staff": dict.fromkeys(PAGES, NO),
    "Marketing": dict.fromkeys(PAGES, NO),
}


@pytest.mark.parametrize("group", list(EXPECTED))
def test_each_group_reaches_only_its_purchasing_pages(client, staff_in, sent, group):
    client.force_login(staff_in(group))
    got = {name: client.get(url(sent)).status_code for name, url in PAGES.items()}
    assert got == EXPECTED[group]


def test_only_warehouse_and_managers_may_receive(client, staff_in, sent, warehouse):
    [line] = sent.lines.all()
    url = reverse("admin:purchasing_purchaseorder_receive", args=[sent.pk])
    data = {"location": warehouse.pk, f"line_{line.pk}": 2}
    client.force_login(staff_in("Accounts"))
    assert client.post(url, data).status_code == 403
    client.force_login(staff_in("Warehouse"))
    assert client.post(url, data).status_code == 302
    line.refresh_from_db()
    assert line.quantity_received == 2


def test_receiving_more_than_ordered_is_refused_with_a_clear_message(client, staff_in, sent, warehouse):
    [line] = sent.lines.all()
    client.force_login(staff_in("Warehouse"))
    response = client.post(reverse("admin:purchasing_purchaseorder_receive", args=[sent.pk]),
                           {"location": warehouse.pk, f"line_{line.pk}": 13})
    assert response.status_code == 200
    assert "MUG-1: 13 units cannot be received, only 12 of the 12 ordered are still expected." in \
        response.content.decode()


def test_warehouse_edits_the_reorder_settings_of_a_stock_level_not_its_levels(client, staff_in, mug, warehouse):
    from inventory.models import Stock

    stock = Stock.objects.get(variant=mug, location=warehouse)
    url = reverse("admin:inventory_stock_change", args=[stock.pk])
    client.force_login(staff_in("Catalogue managers"))
    assert client.post(url, {"reorder_point": 5}).status_code == 403
    client.force_login(staff_in("Warehouse"))
    assert client.post(url, {"reorder_point": 15, "reorder_quantity": 24, "on_hand": 1}).status_code == 302
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reorder_point, stock.reorder_quantity) == (80, 15, 24)
