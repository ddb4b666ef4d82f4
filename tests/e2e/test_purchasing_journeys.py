"""Reordering in a real browser, as the warehouse does it: last night's suggestion becomes a purchase order, which is
sent to the supplier and partly received; the stock level and its ledger show the receipt, and the order waiting for
the units (a backorder) takes them.

The suggestion, by hand: 10 lamps sold at the counter in the last 8 weeks (56 days): 10/56 a day; nothing available
(3 more are on backorder), reorder point 2; lead time 14 days + 7 days' safety stock:
need = ⌈10 × 21 / 56⌉ + 2 - 0 = ⌈3.75⌉ + 2 = 6 -> packs of 6: 6 lamps at $12.00 = $72.00 (no minimum order).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.tests.factories import VariantFactory
from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services as stock_services
from inventory.models import Stock
from orders.models import OrderLine
from outbox.models import OutboxEmail
from purchasing.models import PurchaseOrder
from purchasing.services.reorder import suggestions_compute
from purchasing.tests.factories import SupplierItemFactory, SupplierTermsFactory
from tests.e2e.helpers import admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_warehouse_clerk_orders_from_a_suggestion_and_a_partial_delivery_fills_a_backorder(
        page: Page, canada, warehouse, staff_in, settings):
    settings.SHOP_REORDER_WEEKS, settings.SHOP_REORDER_SAFETY_DAYS = 8, 7
    supplier = SupplierTermsFactory(supplier__name="Luminaires Nord", lead_time_days=14,
                                    order_email="commandes@nord.example").supplier
    lamp = VariantFactory(sku="LAMP-1", price=Decimal("40.00"), product__name="Desk Lamp",
                          product__allow_backorder=True)
    SupplierItemFactory(supplier=supplier, variant=lamp, supplier_sku="N-LAMP", unit_cost=Decimal("12.00"),
                        pack_size=6)
    stock_services.stock_receive(variant=lamp, location=warehouse, quantity=10)
    stock_services.stock_sell_in_store(variant=lamp, location=warehouse, quantity=10)
    stock = Stock.objects.get(variant=lamp, location=warehouse)
    stock_services.stock_reorder_set(stock_id=stock.pk, reorder_point=2, reorder_quantity=None)
    # A customer orders 3 lamps with none in stock: all 3 wait (a backorder).
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=lamp.pk, quantity=3)
    order = order_place(cart=cart, language="en", details=CheckoutDetails(
        email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay", ship_address="100 8 Ave SW",
        ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9", delivery_method_id=canada.pk,
        payment_method="cheque"))
    assert OrderLine.objects.get(order=order).backordered == 3
    # The nightly job ran (tomorrow's run counts today's sales).
    assert suggestions_compute(today=timezone.localdate() + datetime.timedelta(days=1)) == 1

    admin_log_in(page, staff_in("Warehouse"))
    page.goto("/admin/purchasing/reordersuggestion/")
    expect(page.get_by_role("heading", name="Select reorder suggestion to view")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("LAMP-1"))
    expect(row).to_contain_text("Luminaires Nord")
    expect(row.get_by_role("cell").filter(has_text=re.compile(r"^\$72\.00$"))).to_be_visible()
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Create draft purchase orders (one per supplier)")
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()

    po = PurchaseOrder.objects.get()
    expect(page.get_by_text(f"Draft purchase order created: {po.number}.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(po.number))).to_be_visible()
    page.get_by_role("button", name="Send to the supplier").click()
    expect(page.get_by_text(f"Purchase order {po.number} sent to the supplier.")).to_be_visible()
    email = OutboxEmail.objects.get(to="commandes@nord.example")
    assert "6 × N-LAMP (LAMP-1) Desk Lamp at $12.00 = $72.00" in email.text_body
    assert email.attachments[0]["name"] == f"{po.number}.pdf"

    # The printable page.
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Printable page").click()
    printable = popup.value
    expect(printable.get_by_role("heading", name=f"Purchase order {po.number}")).to_be_visible()
    expect(printable.get_by_role("row", name=re.compile("N-LAMP"))).to_contain_text("$72.00")
    printable.close()

    # 4 of the 6 arrive.
    page.get_by_role("link", name="Receive goods").click()
    expect(page.get_by_role("heading", name=f"Receive goods: {po.number}")).to_be_visible()
    page.get_by_label("Received now: LAMP-1").fill("7")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.get_by_role("alert")).to_have_text(
        "LAMP-1: 7 units cannot be received, only 6 of the 6 ordered are still expected.")
    page.get_by_label("Received now: LAMP-1").fill("4")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.get_by_text(f"Goods received on {po.number}: it is now “Partly received”.")).to_be_visible()

    # The stock level and its ledger.
    page.goto("/admin/inventory/stock/?q=LAMP-1")
    stock_row = page.get_by_role("row", name=re.compile("LAMP-1"))
    expect(stock_row).to_contain_text("Calgary Warehouse")
    stock_row.get_by_role("link", name="movements").click()
    receipt = page.get_by_role("row").filter(has_text="Receipt from supplier").filter(has_text=po.number)
    expect(receipt.get_by_role("cell")).to_have_text(
        [re.compile("Receipt from supplier"), "LAMP-1", "Calgary Warehouse", "4", "0", "4", "0", "warehouse",
         po.number, f"Purchase order {po.number}"], use_inner_text=True)

    # The waiting order took 3 of the 4 units.
    assert OrderLine.objects.get(order=order).backordered == 0
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (4, 3)
    lamp.refresh_from_db()
    assert lamp.cost_price == Decimal("12.00")
