"""The shipping set-up every price and promised date is computed from, read once per change, not once per page.

The active delivery methods with their rate tables (189 rows in the demo), the team's capacity and the holidays
change a few times a year, from the admin; product pages and the checkout read them on every request. Each worker
process keeps one copy, tagged with the `shipping` version of the shared cache (the page cache's versions, see
catalog.page_cache): an edit committed in the admin bumps the version, and every worker of every instance reads the
set-up again on its next request. Without any cache (a dummy cache) a copy serves for one
second (catalog.page_cache.process_memo).

The copy is shared by the requests of a process: callers read it, never change the objects in it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from catalog import page_cache
from orders.models import DeliveryMethod, Province

from ..models import FulfilmentCapacity, Holiday, Rate

SHIPPING = "shipping"  # the version name in the page cache


@dataclass(frozen=True)
class ShippingTable:
    methods: tuple[DeliveryMethod, ...]  # active, in the admin's order
    rates: dict[int, list[Rate]]  # by method id, lightest step first, with their zones
    capacity: FulfilmentCapacity
    holidays: frozenset[date]
    # the rate steps of (method id, province, postal code): product pages ask for the same destination every time
    _steps: dict = field(default_factory=dict, compare=False, repr=False)

    def steps_for(self, method: DeliveryMethod, *, province: str, postal_code: str) -> list[Rate]:
        """The rate rows of the most specific zone of the method covering the destination, lightest first; []
        when no zone covers it. The most specific zone wins: a postal-code prefix over a province."""
        key = (method.pk, province, postal_code)
        steps = self._steps.get(key)
        if steps is None:
            rates = self.rates_of(method)
            best = max((r.zone.specificity(province=province, postal_code=postal_code) for r in rates), default=0)
            steps = [r for r in rates if best and r.zone.specificity(province=province, postal_code=postal_code)
                     == best]
            if len(self._steps) < 10_000:  # destinations typed at checkout vary: keep the memory bounded
                self._steps[key] = steps
        return steps

    @cached_property
    def unserved_provinces(self) -> tuple[str, ...]:
        """Provinces and territories no active delivery method reaches (pickup in a store only)."""
        methods = [m for m in self.methods if m.kind == DeliveryMethod.Kind.SHIP]
        if any(not self.rates.get(m.pk) for m in methods):
            return ()  # a flat-rate method delivers anywhere
        covered = {code for m in methods for r in self.rates[m.pk] for code in r.zone.province_codes}
        return tuple(code for code in Province.values if code not in covered)

    @cached_property
    def heaviest_kg(self) -> Decimal | None:
        """The heaviest parcel an active carrier service takes (the last weight step of its rate table); None when
        nothing is delivered, or a flat-rate method (no rate rows) takes any weight."""
        methods = [m for m in self.methods if m.kind == DeliveryMethod.Kind.SHIP]
        if not methods or any(not self.rates.get(m.pk) for m in methods):
            return None
        return max(r.max_weight_kg for m in methods for r in self.rates[m.pk])

    def active_method(self, method_id) -> DeliveryMethod | None:
        """The active delivery method with this id (with its carrier and pickup store), or None."""
        return next((m for m in self.methods if str(m.pk) == str(method_id)), None)

    def rates_of(self, method: DeliveryMethod) -> list[Rate]:
        """The rate rows of an active method; an inactive one (an order placed before it was switched off) is
        read from the database."""
        if method.pk in self.rates or any(m.pk == method.pk for m in self.methods):
            return self.rates.get(method.pk, [])
        return list(method.rates.select_related("zone").order_by("max_weight_kg"))


def _table_load() -> ShippingTable:
    methods = tuple(DeliveryMethod.objects.filter(is_active=True).select_related("carrier", "pickup_location"))
    rates: dict[int, list[Rate]] = defaultdict(list)
    for rate in Rate.objects.filter(method__in=methods).select_related("zone").order_by("max_weight_kg"):
        rates[rate.method_id].append(rate)
    return ShippingTable(methods=methods, rates=dict(rates), capacity=FulfilmentCapacity.current(),
                         holidays=frozenset(Holiday.objects.values_list("date", flat=True)))


def shipping_table() -> ShippingTable:
    """The shipping set-up: this process's copy while the shared version is unchanged, else read anew."""
    return page_cache.process_memo(SHIPPING, _table_load)


def shipping_changed() -> None:
    """Called after the commit of any edit to methods, rates, zones, carriers, capacity or holidays."""
    page_cache.version_changed(SHIPPING)
