"""The stock dashboard's figures (D3) on a small fixed shop, computed by hand.

Two locations that count (the warehouse ships online, the Calgary store sells at its counter) and a closed one whose
stock never counts. The clock is set for each stock movement, since the ledger cannot be backdated. Today is
Tuesday 24 November 2026 in Edmonton.

SKU (product)        price  cost    warehouse        store          sales (ledger)
MUG-1 (Mug)          18.00   9.90   10 -> 6          4 -> 0         4 shipped 11-10; store 1 on 10-20, 3 on 11-20
KET-1 (Kettle)       79.00  43.45   3, 1 reserved                   -
TENT-S (Tent)       229.00   -      2                               -
TENT-L (Tent)       229.00 125.95   1 -> 0                          1 shipped 11-15
TOQ-1 (Toque*)       24.00  13.20                    6 -> 2         store 3 on 11-23 at 23:30, 1 today
BOOK-1 (Book)        32.00  17.60   never stocked
PEN-1 (Pencil)        0.25   0.10   3
(* store only: not sold online.) The closed location holds 5 mugs.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory, VariantFactory
from inventory import selectors
from inventory import services as stock
from inventory.models import Stock
from inventory.tests.factories import LocationFactory
from orders.models import DeliveryMethod, Order, OrderLine, TaxRate
from orders.rates import rates_and_delivery_seed

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
EDMONTON = ZoneInfo("America/Edmonton")


def at(day: str, time: str = "12:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=EDMONTON)


@pytest.fixture
def clock(monkeypatch):
    """clock.now = ...: what timezone.now() (and so auto_now_add and localdate()) says."""

    class Clock:
        now = at("2026-11-24", "15:00")

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def shop(clock, warehouse, store):
    clock.now = at("2026-10-01")
    closed = LocationFactory(name="Old depot", code="old", priority=20)
    v = {}
    mug = ProductFactory(name="Mug")
    v["mug"] = VariantFactory(product=mug, sku="MUG-1", price=Decimal("18.00"), cost_price=Decimal("9.90"))
    v["kettle"] = VariantFactory(product__name="Kettle", sku="KET-1", price=Decimal("79.00"),
                                 cost_price=Decimal("43.45"))
    tent = ProductFactory(name="Tent")
    v["tent_s"] = VariantFactory(product=tent, sku="TENT-S", size="S", price=Decimal("229.00"), cost_price=None)
    v["tent_l"] = VariantFactory(product=tent, sku="TENT-L", size="L", price=Decimal("229.00"),
                                 cost_price=Decimal("125.95"))
    v["toque"] = VariantFactory(product__name="Toque", product__sold_online=False, sku="TOQ-1",
                                price=Decimal("24.00"), cost_price=Decimal("13.20"))
    v["book"] = VariantFactory(product__name="Book", sku="BOOK-1", price=Decimal("32.00"), cost_price=Decimal("17.60"))
    v["pencil"] = VariantFactory(product__name="Pencil", sku="PEN-1", price=Decimal("0.25"), cost_price=Decimal("0.10"))
    # Neither counts anywhere: an inactive SKU with nothing left, a product in a hidden category.
    VariantFactory(product=mug, sku="MUG-OLD", is_active=False)
    VariantFactory(product__name="Hidden", product__category__is_active=False, sku="HID-1")

    for key, quantity in (("mug", 10), ("kettle", 3), ("tent_s", 2), ("tent_l", 1), ("pencil", 3)):
        stock.stock_receive(variant=v[key], location=warehouse, quantity=quantity)
    stock.stock_receive(variant=v["mug"], location=store, quantity=4)
    stock.stock_receive(variant=v["toque"], location=store, quantity=6)
    stock.stock_receive(variant=v["mug"], location=closed, quantity=5)
    closed.is_active = False
    closed.save()

    clock.now = at("2026-10-20")
    stock.stock_sell_in_store(variant=v["mug"], location=store, quantity=1)  # before every window
    clock.now = at("2026-11-09")
    mugs = stock.stock_reserve(lines=[(v["mug"].pk, 4)])
    clock.now = at("2026-11-10")
    stock.stock_ship(allocations=mugs)
    clock.now = at("2026-11-14")
    tent = stock.stock_reserve(lines=[(v["tent_l"].pk, 1)])
    clock.now = at("2026-11-15")
    stock.stock_ship(allocations=tent)
    clock.now = at("2026-11-20")
    stock.stock_sell_in_store(variant=v["mug"], location=store, quantity=3)
    clock.now = at("2026-11-23", "23:30")  # 06:30 on the 24th in UTC: still the 23rd in Edmonton
    stock.stock_sell_in_store(variant=v["toque"], location=store, quantity=3)
    clock.now = at("2026-11-24", "08:00")
    stock.stock_reserve(lines=[(v["kettle"].pk, 1)])  # held for an order, not shipped: not a sale yet
    clock.now = at("2026-11-24", "10:00")
    stock.stock_sell_in_store(variant=v["toque"], location=store, quantity=1)
    clock.now = at("2026-11-24", "15:00")
    return v


def levels():
    return {(s.variant.sku, s.location.code): (s.on_hand, s.reserved)
            for s in Stock.objects.select_related("variant", "location")}


def test_the_fixed_shop_has_the_levels_the_table_says(shop):
    assert levels() == {
        ("MUG-1", "wh"): (6, 0), ("MUG-1", "yyc"): (0, 0), ("MUG-1", "old"): (5, 0), ("KET-1", "wh"): (3, 1),
        ("TENT-S", "wh"): (2, 0), ("TENT-L", "wh"): (0, 0), ("TOQ-1", "yyc"): (2, 0), ("PEN-1", "wh"): (3, 0),
    }


def test_stock_outs_online_and_per_location(shop, warehouse, store, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        outs = selectors.stock_outs(limit=10)

    # Online: the large tent (its one unit shipped) and the book (never stocked). The store-only toque, the inactive
    # mug and the hidden product are not sold online. The tent moved last, the book never did.
    assert outs.online_count == 2
    assert [(r.sku, r.product_name, r.label, r.available) for r in outs.online] == [
        ("TENT-L", "Tent", "L", 0), ("BOOK-1", "Book", "", 0)]
    # Per location: the tent at the warehouse, the mugs at the store (all sold); the closed depot is not listed.
    assert [(c.name, c.count) for c in outs.by_location] == [("Calgary Warehouse", 1), ("Calgary store", 1)]
    assert outs.location_count == 2
    assert [(r.sku, r.location_name) for r in outs.at_locations] == [("MUG-1", "Calgary store"),
                                                                      ("TENT-L", "Calgary Warehouse")]
    assert selectors.stock_outs(limit=1).online[0].sku == "TENT-L"


def test_low_stock_against_each_rows_reorder_point(shop, warehouse, store, django_assert_max_num_queries):
    points = {("MUG-1", warehouse): 6, ("KET-1", warehouse): 1, ("TOQ-1", store): 2, ("TENT-L", warehouse): 1}
    for (sku, location), point in points.items():
        Stock.objects.filter(variant__sku=sku, location=location).update(reorder_point=point)

    with django_assert_max_num_queries(2):
        low = selectors.low_stock(limit=10)

    # Free: mugs 6 (point 6: at it, low), kettle 3 - 1 reserved = 2 (point 1: fine), toques 2 (point 2), large tent
    # 0 (point 1); the store's mugs (0) have no reorder point, so no alert. Nothing free first.
    assert low.count == 3
    assert [(r.sku, r.location_name, r.available, r.reorder_point) for r in low.rows] == [
        ("TENT-L", "Calgary Warehouse", 0, 1), ("TOQ-1", "Calgary store", 2, 2), ("MUG-1", "Calgary Warehouse", 6, 6)]


def test_stock_value_at_cost_per_location_to_the_cent(shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        value = selectors.stock_value()

    # Warehouse: 6 × 9.90 + 3 × 43.45 (the reserved kettle is still ours) + 3 × 0.10 = 59.40 + 130.35 + 0.30
    # = 190.05, and the 2 small tents without a cost price apart. Store: 2 × 13.20 = 26.40 (no mugs left).
    assert [(r.name, r.units, r.value, r.units_without_cost) for r in value.locations] == [
        ("Calgary Warehouse", 14, Decimal("190.05"), 2), ("Calgary store", 2, Decimal("26.40"), 0)]
    assert (value.value, value.units, value.units_without_cost) == (Decimal("216.45"), 16, 2)


def test_stock_value_without_any_cost_is_zero_and_says_so(warehouse):
    VariantFactory(sku="X-1", cost_price=None)
    stock.stock_receive(variant=VariantFactory(sku="X-2", cost_price=None), location=warehouse, quantity=4)

    value = selectors.stock_value()

    assert [(r.value, r.units, r.units_without_cost) for r in value.locations] == [(Decimal("0.00"), 4, 4)]


def online_lines(start: datetime.date, end: datetime.date):
    """The web shop's order lines of orders placed from start to end (Edmonton days), not cancelled or expired:
    what the dashboards app passes to selectors.sellers."""
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_current_timezone())
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min,
                                      tzinfo=timezone.get_current_timezone())
    return OrderLine.objects.filter(order__created_at__gte=since, order__created_at__lt=until).exclude(
        order__status__in=[Order.Status.CANCELLED, Order.Status.EXPIRED])


def order_with(clock, when, *lines, status=Order.Status.PAID):
    """An order row placed at `when` with these (variant, quantity) lines at the variant's price."""
    if not DeliveryMethod.objects.filter(code="standard").exists():
        rates_and_delivery_seed(TaxRate, DeliveryMethod)
    clock.now = when
    subtotal = sum((variant.price * quantity for variant, quantity in lines), Decimal("0.00"))
    order = Order.objects.create(
        number=f"T-{Order.objects.count() + 1:05d}", status=status, email="a@example.com", ship_name="A",
        ship_address="1 Main St", ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
        delivery_method=DeliveryMethod.objects.get(code="standard"), delivery_label="Standard",
        payment_method=Order.PaymentMethod.CARD, subtotal=subtotal, shipping=0, handling=0, tax_total=0,
        total=subtotal)
    for variant, quantity in lines:
        OrderLine.objects.create(order=order, variant=variant, sku=variant.sku, name=variant.product.name,
                                 unit_price=variant.price, quantity=quantity, line_total=variant.price * quantity)
    clock.now = at("2026-11-24", "15:00")
    return order


def test_best_and_worst_sellers_by_units_and_revenue(shop, clock, django_assert_max_num_queries):
    v = shop
    order_with(clock, at("2026-11-05"), (v["mug"], 2), (v["kettle"], 1))
    order_with(clock, at("2026-11-10"), (v["mug"], 4), status=Order.Status.DELIVERED)
    order_with(clock, at("2026-11-12"), (v["tent_l"], 5), status=Order.Status.CANCELLED)  # not a sale
    order_with(clock, at("2026-10-31", "23:30"), (v["kettle"], 3))  # Halloween night in Edmonton: before the range
    order_with(clock, at("2026-11-24", "00:10"), (v["tent_l"], 1))  # today: in the range

    with django_assert_max_num_queries(4):
        ranked = selectors.sellers(start=datetime.date(2026, 11, 1), end=TODAY,
                                   online_lines=online_lines(datetime.date(2026, 11, 1), TODAY), limit=3)

    def rows(listing):
        return [(r.name, r.units_online, r.units_in_store, r.units, r.revenue_online) for r in listing]

    # Mug: 2 + 4 online ($36 + $72), 3 at the counter on 11-20 (the 10-20 sale is before the range). Toque: 3 + 1
    # at the counter, no online revenue (store only). Tent and kettle: one unit each, $229 against $79.
    assert rows(ranked.by_units) == [("Mug", 6, 3, 9, Decimal("108.00")), ("Toque", 0, 4, 4, Decimal("0.00")),
                                     ("Tent", 1, 0, 1, Decimal("229.00"))]
    assert rows(ranked.by_revenue) == [("Tent", 1, 0, 1, Decimal("229.00")), ("Mug", 6, 3, 9, Decimal("108.00")),
                                       ("Kettle", 1, 0, 1, Decimal("79.00"))]
    # Products shown online, fewest units first, those that sold nothing included (oldest first): the book and
    # the pencil, then the kettle (1 unit, less revenue than the tent).
    assert rows(ranked.worst) == [("Book", 0, 0, 0, Decimal("0.00")), ("Pencil", 0, 0, 0, Decimal("0.00")),
                                  ("Kettle", 1, 0, 1, Decimal("79.00"))]


def test_days_of_cover_at_the_pace_of_the_last_thirty_days(shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        cover = selectors.days_of_cover(days=30, today=TODAY, limit=10)

    # Window: the 30 whole days before today, 25 October to 23 November. Large tent: 0 free, 1 shipped: 0 days.
    # Toque: 2 free, 3 sold on the 23rd at 23:30 (today's sale is not counted): 2 × 30 / 3 = 20 days. Mug: 6 + 0
    # free (the closed depot's 5 do not count), 4 shipped + 3 at the counter = 7: 6 × 30 / 7 = 25.71… -> 25.7.
    # The kettle's reserved unit is not a sale yet: it sold nothing, so it is not listed.
    assert [(r.sku, r.available, r.sold, r.per_day, r.cover_days) for r in cover] == [
        ("TENT-L", 0, 1, Decimal("0.03"), Decimal("0.0")), ("TOQ-1", 2, 3, Decimal("0.10"), Decimal("20.0")),
        ("MUG-1", 6, 7, Decimal("0.23"), Decimal("25.7"))]
    assert [r.sku for r in selectors.days_of_cover(days=30, today=TODAY, limit=2)] == ["TENT-L", "TOQ-1"]


def test_days_of_cover_of_chosen_skus_is_none_without_sales(shop):
    cover = selectors.days_of_cover(days=7, today=TODAY, variant_ids=[shop["kettle"].pk, shop["toque"].pk])

    # Seven days (17 to 23 November): the toque's 3 units make 2 × 7 / 3 = 4.67 -> 4.7 days; the kettle sold none.
    assert [(r.sku, r.available, r.sold, r.cover_days) for r in cover] == [
        ("TOQ-1", 2, 3, Decimal("4.7")), ("KET-1", 2, 0, None)]
