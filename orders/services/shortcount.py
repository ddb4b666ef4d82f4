"""A stock count lower than the units reserved at a location: the shelf is what it is, so the missing units are
taken off the orders holding them there, newest order first (the oldest keep theirs, as backorders are filled oldest
first). Their allocations there shrink, the units go back on backorder on the order lines (orders.services.backorders
holds them again as stock arrives, and its beat sweep takes them from another location if one has them), and each
order is flagged for staff with a line on its timeline.

inventory.services.stock_count_record calls these through inventory.services.short_count (set in
OrdersConfig.ready): inventory never imports orders.
"""

from django.db.models import F
from django.utils.translation import gettext as _

from inventory import services as stock_services

from ..models import Order, OrderAllocation, OrderEvent, OrderLine
from .backorders import WAITING_STATUSES

Taken = tuple[str, int]  # (order number, units put back on backorder)


def _holding(stock_id: int):
    """Units held at this stock row by orders that will still ship, newest order first."""
    return (OrderAllocation.objects.filter(stock_id=stock_id, released=False, quantity__gt=0,
                                           line__order__status__in=WAITING_STATUSES)
            .order_by("-line__order__created_at", "-line__order_id", "-line_id", "-pk"))


def _take(allocations, units: int) -> list[tuple[OrderAllocation, int]]:
    taken, left = [], units
    for allocation in allocations:
        if left <= 0:
            break
        take = min(left, allocation.quantity)
        taken.append((allocation, take))
        left -= take
    return taken


def short_count_plan(*, stock_id: int, units: int) -> list[Taken]:
    """The orders that would give up `units` units held at this stock row, newest first (a read, for the
    confirmation page; the release re-reads under its locks)."""
    plan: dict[str, int] = {}
    for allocation, take in _take(_holding(stock_id).select_related("line__order"), units):
        number = allocation.line.order.number
        plan[number] = plan.get(number, 0) + take
    return list(plan.items())


def short_count_release(*, stock_id: int, counted: int, user=None, reason: str = "") -> list[Taken]:
    """Inside the count's transaction: lock the orders holding units at this stock row (pk order, before the stock
    row, as order_transition and backorders_fill do), give up what they hold beyond `counted`, newest order first,
    through inventory's stock_release (ledger: online release), and flag each order. Returns what was taken."""
    order_ids = set(_holding(stock_id).values_list("line__order_id", flat=True))
    if not order_ids:
        return []
    orders = {o.pk: o for o in Order.objects.select_for_update().filter(pk__in=order_ids, status__in=WAITING_STATUSES)
              .order_by("pk")}
    allocations = list(_holding(stock_id).filter(line__order_id__in=orders)
                       .select_related("line", "stock__location"))
    units = sum(a.quantity for a in allocations) - counted
    if units <= 0:
        return []
    taken = _take(allocations, units)
    stock = taken[0][0].stock
    who = user if user is not None and user.is_authenticated else None
    # A ledger line per order given up, with its number as the reference.
    for allocation, take in taken:
        order = orders[allocation.line.order_id]
        stock_services.stock_release(
            allocations=[stock_services.Allocation(stock.pk, allocation.line.variant_id, stock.location_id, take)],
            reference=order.number, user=user,
            reason=(_("Count short at %(location)s: %(reason)s") % {"location": stock.location.name,
                                                                      "reason": reason})[:255],
        )
        if take == allocation.quantity:
            OrderAllocation.objects.filter(pk=allocation.pk).update(released=True)
        else:
            OrderAllocation.objects.filter(pk=allocation.pk).update(quantity=F("quantity") - take)
        OrderLine.objects.filter(pk=allocation.line_id).update(backordered=F("backordered") + take)
    result: dict[int, int] = {}
    skus: dict[int, str] = {}
    for allocation, take in taken:
        result[allocation.line.order_id] = result.get(allocation.line.order_id, 0) + take
        skus[allocation.line.order_id] = allocation.line.sku
    for order_id, units_taken in result.items():
        order = orders[order_id]
        note = (_("Stock count at %(location)s found fewer units than reserved: %(units)d × %(sku)s back on "
                  "backorder.") % {"location": stock.location.name, "units": units_taken, "sku": skus[order_id]})
        order.attention = (f"{order.attention} · {note}" if order.attention else note)[:255]
        order.save(update_fields=["attention", "updated_at"])
        OrderEvent.objects.create(order=order, status=order.status, note=note[:255], created_by=who)
    return [(orders[order_id].number, units_taken) for order_id, units_taken in result.items()]
