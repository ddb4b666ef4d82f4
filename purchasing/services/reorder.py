"""The nightly reorder suggestions.

For each SKU, the stock is looked at per "scope": each active location that does not ship online on its own (a
store reorders for its own shelf), and the active locations that ship online taken together as the online pool
(online orders are reserved from any of them, so their stock, sales and settings add up; the suggestion is delivered
to the first of them by priority). For a scope:

    velocity  = units sold there in the last SHOP_REORDER_WEEKS weeks (ledger: online sales shipped, counter sales)
                ÷ the window's days
    on order  = units ordered and not yet received on open purchase orders delivered to the scope
    reorder when available ≤ reorder point, or the days of cover (available ÷ velocity) < the lead time
    need      = ⌈velocity × (lead time + SHOP_REORDER_SAFETY_DAYS) + reorder point − (available + on order)⌉
    quantity  = max(need, reorder quantity), rounded UP to whole packs of the supplier

then, per supplier, when the suggested lines come to less than its minimum order, whole packs are added to its
fastest-selling line until they reach it. Nothing is suggested where need ≤ 0.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from inventory.selectors import reorder_levels, units_sold_by_location

from ..models import PurchaseOrder, PurchaseOrderLine, ReorderSuggestion, SupplierItem, SupplierTerms


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


@dataclass
class _Scope:
    variant_id: int
    location_id: int  # where an order for it is delivered
    location_ids: tuple[int, ...]
    online_pool: bool
    available: int
    reorder_point: int | None
    reorder_quantity: int | None


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _scopes(levels) -> list[_Scope]:
    pools: dict[int, _Scope] = {}
    scopes: list[_Scope] = []
    for row in levels:  # ordered by SKU, location priority
        if not row.ships_online:
            scopes.append(_Scope(row.variant_id, row.location_id, (row.location_id,), False, row.available,
                                 row.reorder_point, row.reorder_quantity))
            continue
        pool = pools.get(row.variant_id)
        if pool is None:
            pool = pools[row.variant_id] = _Scope(row.variant_id, row.location_id, (), True, 0, None, None)
            scopes.append(pool)
        pool.location_ids += (row.location_id,)
        pool.available += row.available
        pool.reorder_point = _add(pool.reorder_point, row.reorder_point)
        pool.reorder_quantity = _add(pool.reorder_quantity, row.reorder_quantity)
    return scopes


def _on_order() -> dict[tuple[int, int], int]:
    """{(SKU id, delivery location id): units ordered and not received} on open purchase orders."""
    rows = (PurchaseOrderLine.objects.filter(order__status__in=PurchaseOrder.OPEN)
            .values("variant_id", "order__location_id")
            .annotate(left=Sum(F("quantity_ordered") - F("quantity_received")))
            .order_by().values_list("variant_id", "order__location_id", "left"))
    return {(variant_id, location_id): left for variant_id, location_id, left in rows}


def _supplier_items(variant_ids) -> dict[int, SupplierItem]:
    """Each SKU's supplier: the preferred one, else the cheapest (then the first added)."""
    chosen: dict[int, SupplierItem] = {}
    items = (SupplierItem.objects.filter(variant_id__in=variant_ids).select_related("supplier")
             .order_by("variant_id", "-is_preferred", "unit_cost", "pk"))
    for item in items:
        chosen.setdefault(item.variant_id, item)
    return chosen


def ceil_to(quantity: int, step: int) -> int:
    return -(-quantity // step) * step


def suggestions_compute(*, today: datetime.date | None = None) -> int:
    """Replace the reorder suggestions with tonight's; returns how many there are. Safe to run any time."""
    today = today or timezone.localdate()
    days = settings.SHOP_REORDER_WEEKS * 7
    safety = settings.SHOP_REORDER_SAFETY_DAYS
    sold = units_sold_by_location(start=_local_midnight(today - datetime.timedelta(days=days)),
                                  end=_local_midnight(today))
    scopes = _scopes(reorder_levels())
    on_order = _on_order()
    items = _supplier_items({scope.variant_id for scope in scopes})
    terms = {t.supplier_id: t for t in SupplierTerms.objects.filter(supplier_id__in={i.supplier_id
                                                                                     for i in items.values()})}
    now = timezone.now()
    suggestions: list[ReorderSuggestion] = []
    for scope in scopes:
        units = sum(sold.get((scope.variant_id, loc), 0) for loc in scope.location_ids)
        ordered = sum(on_order.get((scope.variant_id, loc), 0) for loc in scope.location_ids)
        item = items.get(scope.variant_id)
        supplier_terms = terms.get(item.supplier_id) if item else None
        lead = supplier_terms.lead_time_days if supplier_terms else 0
        low = scope.reorder_point is not None and scope.available <= scope.reorder_point
        short_cover = units > 0 and scope.available * days < lead * units  # available / velocity < lead time
        if not (low or short_cover):
            continue
        # velocity × (lead + safety) computed as units × (lead + safety) / days: exact, then rounded up.
        need = math.ceil(Decimal(units * (lead + safety)) / days) + (scope.reorder_point or 0) - (
            scope.available + ordered)
        if need <= 0:
            continue
        pack = item.pack_size if item else 1
        quantity = ceil_to(max(need, scope.reorder_quantity or 0), pack)
        suggestions.append(ReorderSuggestion(
            variant_id=scope.variant_id, location_id=scope.location_id, online_pool=scope.online_pool,
            supplier=item.supplier if item else None, supplier_sku=item.supplier_sku if item else "",
            unit_cost=item.unit_cost if item else None, pack_size=pack, sold=units, days=days,
            velocity=(Decimal(units) / days).quantize(Decimal("0.001"), ROUND_HALF_UP), lead_time_days=lead,
            safety_days=safety, reorder_point=scope.reorder_point, reorder_quantity=scope.reorder_quantity,
            available=scope.available, on_order=ordered, need=need, quantity=quantity, computed_at=now))
    _meet_minimum_orders(suggestions, terms)
    with transaction.atomic():
        ReorderSuggestion.objects.all().delete()
        ReorderSuggestion.objects.bulk_create(suggestions)
    return len(suggestions)


def _meet_minimum_orders(suggestions: list[ReorderSuggestion], terms: dict[int, SupplierTerms]) -> None:
    """Per supplier (and delivery location: one purchase order), top the fastest-selling line up by whole packs
    until the lines reach the supplier's minimum order."""
    by_order: dict[tuple[int, int], list[ReorderSuggestion]] = defaultdict(list)
    for suggestion in suggestions:
        if suggestion.supplier_id is not None:
            by_order[(suggestion.supplier_id, suggestion.location_id)].append(suggestion)
    for (supplier_id, _location_id), lines in by_order.items():
        minimum = terms[supplier_id].minimum_order if supplier_id in terms else Decimal("0")
        total = sum((s.unit_cost * s.quantity for s in lines), Decimal("0"))
        fastest = min(lines, key=lambda s: (-s.sold, s.variant_id))
        pack_cost = fastest.unit_cost * fastest.pack_size
        if total < minimum and pack_cost > 0:
            fastest.quantity += math.ceil((minimum - total) / pack_cost) * fastest.pack_size
