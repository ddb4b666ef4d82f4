"""What each delivery method costs to a destination, how long it takes, and where nobody delivers.

A method with rate rows is priced from its zone for the destination (the most specific zone wins: a postal-code
prefix over a province) and the parcel's weight (the lightest step that carries it). A method without rate rows
keeps its flat price and its days_max. Pickup methods are always offered, at their flat price.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orders.models import DeliveryMethod, Province

from .promise import Promise, PromiseContext
from .table import ShippingTable, shipping_table

GRAMS_PER_KG = Decimal("1000")


@dataclass(frozen=True)
class DeliveryOption:
    method: DeliveryMethod
    price: Decimal
    handling: Decimal
    transit_days: int
    promise: Promise

    @property
    def label(self) -> str:
        return self.method.label(get_language() or "en")

    @property
    def total(self) -> Decimal:
        return self.price + self.handling


def parcel_weight_kg(rows) -> Decimal:
    """The weight of cart rows or order lines (each with .variant and .quantity), in kg."""
    grams = sum((row.variant.weight_grams * row.quantity for row in rows), start=0)
    return Decimal(grams) / GRAMS_PER_KG


def method_price(*, method: DeliveryMethod, province: str, postal_code: str, weight_kg: Decimal,
                 table: ShippingTable | None = None) -> tuple[Decimal, int] | None:
    """(price, transit business days) of the method for that destination and weight; None if not served: no zone
    of its rate table covers the destination, or the parcel is heavier than its last weight step."""
    if method.kind == DeliveryMethod.Kind.PICKUP:
        return method.price, method.days_max
    table = table or shipping_table()
    if not table.rates_of(method):
        return method.price, method.days_max
    if not province:
        return None
    steps = table.steps_for(method, province=province, postal_code=postal_code)
    rate = next((r for r in steps if r.max_weight_kg >= weight_kg), None)
    return (rate.price, rate.transit_days) if rate else None


def delivery_options(*, province: str, postal_code: str, weight_kg: Decimal, context: PromiseContext,
                     ready_on: date | None = None, include_ship: bool = True) -> list[DeliveryOption]:
    """Every active method that serves the destination, with its price and promised dates, soonest first.
    Without a province only pickups are offered (a delivery needs the address)."""
    options = []
    for method in context.table.methods:
        if method.kind == DeliveryMethod.Kind.SHIP and not (include_ship and province):
            continue
        priced = method_price(method=method, province=province, postal_code=postal_code, weight_kg=weight_kg,
                              table=context.table)
        if priced is None:
            continue
        price, transit = priced
        options.append(DeliveryOption(method=method, price=price, handling=method.handling_fee,
                                      transit_days=transit,
                                      promise=context.promise(transit_days=transit, ready_on=ready_on)))
    return sorted(options, key=lambda o: (o.method.kind == DeliveryMethod.Kind.PICKUP, o.promise.arrives_on,
                                          o.total, o.method.position))


def unserved_provinces() -> list[str]:
    """Provinces and territories no active delivery method reaches (pickup in a store only)."""
    return list(shipping_table().unserved_provinces)


def unserved_text() -> str:
    """"We deliver anywhere in Canada except Nunavut (store pickup only)." or ""."""
    codes = unserved_provinces()
    if not codes:
        return ""
    names = ", ".join(str(Province(code).label) for code in codes)
    return _("We deliver anywhere in Canada except %(regions)s, where store pickup is the only option.") % {
        "regions": names}


def _kg(weight: Decimal) -> str:
    """42.5 -> "42.5" ("42,5" in French); 30.000 -> "30"."""
    weight = weight.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if weight == weight.to_integral_value():
        weight = weight.quantize(Decimal("1"))
    return formats.number_format(weight, use_l10n=True)


def too_heavy_text(weight_kg: Decimal, *, table: ShippingTable | None = None) -> str:
    """"Too heavy for our carriers: split the order or pick it up in store. …" when the parcel is heavier than every
    carrier service takes, else "" (a page shows it instead of silently offering only pickup)."""
    table = table or shipping_table()
    limit = table.heaviest_kg
    if limit is None or weight_kg <= limit:
        return ""
    weights = {"weight": _kg(weight_kg), "limit": _kg(limit)}
    if any(m.kind == DeliveryMethod.Kind.PICKUP for m in table.methods):
        advice = _("Too heavy for our carriers: split the order or pick it up in store.")
    else:
        advice = _("Too heavy for our carriers: please split the order.")
    return " ".join([advice, _("This order weighs %(weight)s kg; our carriers take parcels up to %(limit)s kg.")
                     % weights])


def delivery_option_for(*, method: DeliveryMethod, province: str, postal_code: str, rows,
                        context: PromiseContext) -> DeliveryOption | None:
    """The chosen method priced and promised for this cart (rows with .variant, .quantity and, for backorders,
    .restock_on), or None when it does not serve the destination or carry the weight."""
    priced = method_price(method=method, province=province, postal_code=postal_code,
                          weight_kg=parcel_weight_kg(rows), table=context.table)
    if priced is None:
        return None
    price, transit = priced
    return DeliveryOption(method=method, price=price, handling=method.handling_fee, transit_days=transit,
                          promise=context.promise(transit_days=transit, ready_on=rows_ready_on(rows)))


def rows_ready_on(rows) -> date | None:
    """The latest restock date among rows that ship later (backorders), else None."""
    dates = [getattr(row, "restock_on", None) for row in rows if getattr(row, "ships_later", 0)]
    return max((d for d in dates if d is not None), default=None)
