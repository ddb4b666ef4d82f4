"""Reads of stock for pages. Online availability = on hand - reserved at the active locations that ship online."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Stock, StockLocation, StockMovement


@dataclass
class StoreStock:
    location_id: int
    name: str
    city: str
    quantity: int


@dataclass
class Availability:
    online: int = 0
    stores: list[StoreStock] = field(default_factory=list)

    IN_STOCK = "in_stock"
    LOW = "low"
    OUT = "out"

    @property
    def status(self) -> str:
        if self.online <= 0:
            return self.OUT
        if self.online <= settings.SHOP_LOW_STOCK_DISPLAY:
            return self.LOW
        return self.IN_STOCK

    @property
    def store_names(self) -> str:
        return ", ".join(store.name for store in self.stores)

    @property
    def can_buy_online(self) -> bool:
        return self.online > 0

    @property
    def message(self) -> str:
        if self.status == self.OUT:
            return _("Out of stock online")
        if self.status == self.LOW:
            return ngettext("Only %(count)d left", "Only %(count)d left", self.online) % {"count": self.online}
        return _("In stock")


def availability_by_variant(variant_ids) -> dict[int, Availability]:
    """Availability of each SKU online and in each store, in one query (plain SQL: read on every product page, cart
    and checkout, where building the ORM query cost ten times running it)."""
    variant_ids = [int(pk) for pk in variant_ids]
    result: dict[int, Availability] = defaultdict(Availability)
    if variant_ids:
        stock, location = Stock._meta.db_table, StockLocation._meta.db_table
        sql = (f"SELECT s.variant_id, s.on_hand - s.reserved, l.id, l.name, l.city, l.ships_online, l.kind "
               f"FROM {stock} s JOIN {location} l ON l.id = s.location_id "
               f"WHERE s.variant_id IN ({', '.join(['%s'] * len(variant_ids))}) AND l.is_active "
               f"AND s.on_hand - s.reserved > 0 ORDER BY l.priority, l.name")
        with connection.cursor() as cursor:
            cursor.execute(sql, variant_ids)
            rows = cursor.fetchall()
        for variant_id, free, location_id, name, city, ships_online, kind in rows:
            availability = result[variant_id]
            if ships_online:
                availability.online += free
            if kind == StockLocation.Kind.STORE:
                availability.stores.append(StoreStock(location_id, name, city, free))
    return {vid: result[vid] for vid in variant_ids}


def stock_ids_at(*, location, variant_ids) -> dict[int, int]:
    """{SKU id: its stock row's id} at this location, for SKUs with a row there (to lock rows in primary-key order
    before changing several, as inventory.services does)."""
    return dict(Stock.objects.filter(location=location, variant_id__in=list(variant_ids))
                .values_list("variant_id", "pk"))


def stocked_pairs(variant_ids) -> set[tuple[int, int]]:
    """(SKU id, location id) of every stock row these SKUs have."""
    return set(Stock.objects.filter(variant_id__in=list(variant_ids)).values_list("variant_id", "location_id"))


def product_in_stock_online() -> Exists:
    """A condition on products: some active SKU of the product has free units at an active location that ships
    online (the stock online_free_units_sql counts), as SQL (the search's "in stock only")."""
    return Exists(
        Stock.objects.filter(
            variant__product=OuterRef("pk"),
            variant__is_active=True,
            location__is_active=True,
            location__ships_online=True,
            on_hand__gt=F("reserved"),
        )
    )


def ledger_for_stock(stock: Stock):
    return StockMovement.objects.filter(stock=stock).select_related("created_by").order_by("created_at", "pk")


def online_free_units_sql(product_column: str) -> str:
    """The units of a product sellable online, as a correlated SQL subquery on `product_column` (a product id column
    of the outer query): on hand less reserved, of its active SKUs at the active locations that ship online. For
    list pages, which read all of a card's figures in one statement."""
    stock, location = Stock._meta.db_table, StockLocation._meta.db_table
    variant = Stock._meta.get_field("variant").related_model._meta.db_table
    return (f"(SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM {stock} s "
            f"JOIN {variant} sv ON sv.id = s.variant_id JOIN {location} sl ON sl.id = s.location_id "
            f"WHERE sv.product_id = {product_column} AND sv.is_active AND sl.is_active AND sl.ships_online)")
