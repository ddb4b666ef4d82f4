"""Backorders: units an order could not hold when it was placed (OrderLine.backordered) are held as stock arrives,
first come, first served.

backorders_fill runs after every receipt (inventory admin, point-of-sale API) and from beat as a safety net
(shipping.tasks.backorders_fill_all). Per SKU, in one transaction: the waiting orders are locked (pk order, before
any stock row, as order_transition does), then served oldest first through the inventory's one reservation rule,
so nothing is ever held beyond what is on the shelf. An order that cannot be served in full stops the queue: a
newer, smaller order never jumps ahead of it.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import override

from inventory import services as stock_services
from inventory.selectors import availability_by_variant
from outbox.services import email_queue_rendered

from ..models import Order, OrderAllocation, OrderEvent, OrderLine

S = Order.Status
WAITING_STATUSES = (S.RECEIVED, S.PAID, S.PREPARING)

Filled = tuple[str, int, int]  # (order number, variant id, units now held)


def backorders_waiting():
    """Order lines still waiting for stock, on orders that will still ship."""
    return OrderLine.objects.filter(backordered__gt=0, order__status__in=WAITING_STATUSES)


def backorders_fill(*, variant_ids, user=None) -> list[Filled]:
    """Hold newly available units of these SKUs for the orders waiting for them, oldest order first; returns what
    was held. Each SKU is served in its own transaction; the customer is emailed (outbox) for each line served."""
    ids = sorted({int(v) for v in variant_ids})
    available = availability_by_variant(ids)
    filled: list[Filled] = []
    for variant_id in ids:
        # Read without a lock only to skip SKUs with nothing to give; the reservation re-checks under the lock.
        if available[variant_id].online > 0:
            filled += _fill_variant(variant_id=variant_id, user=user)
    return filled


@transaction.atomic
def _fill_variant(*, variant_id: int, user) -> list[Filled]:
    order_ids = set(backorders_waiting().filter(variant_id=variant_id).values_list("order_id", flat=True))
    if not order_ids:
        return []
    # Lock the waiting orders (in pk order, so two fills queue instead of deadlocking), then re-read their lines:
    # a concurrent fill, cancellation or expiry that committed meanwhile is seen here.
    orders = list(Order.objects.select_for_update().filter(pk__in=order_ids, status__in=WAITING_STATUSES)
                  .order_by("pk"))
    lines_of: dict[int, list[OrderLine]] = {}
    for line in (OrderLine.objects.select_for_update().filter(order__in=orders, variant_id=variant_id,
                                                              backordered__gt=0).order_by("pk")):
        lines_of.setdefault(line.order_id, []).append(line)
    filled: list[Filled] = []
    for order in sorted(orders, key=lambda o: (o.created_at, o.pk)):
        for line in lines_of.get(order.pk, []):
            held = _fill_line(order=order, line=line, user=user)
            if held:
                filled.append((order.number, variant_id, held))
            if line.backordered:  # the shelf is empty again: later orders keep waiting
                return filled
    return filled


def _fill_line(*, order: Order, line: OrderLine, user) -> int:
    """Hold what is available of the line's backordered units (possibly none); returns the units held."""
    allocations = stock_services.stock_reserve(
        lines=[(line.variant_id, line.backordered)], reference=order.number, user=user,
        backorderable=frozenset({line.variant_id}),
    )
    held = sum(a.quantity for a in allocations)
    if not held:
        return 0
    OrderAllocation.objects.bulk_create(
        [OrderAllocation(line=line, stock_id=a.stock_id, quantity=a.quantity) for a in allocations]
    )
    OrderLine.objects.filter(pk=line.pk).update(backordered=F("backordered") - held)
    line.backordered -= held
    OrderEvent.objects.create(
        order=order, status=order.status,
        note=_("Backorder: %(units)d × %(sku)s now reserved; %(left)d still to come.")
        % {"units": held, "sku": line.sku, "left": line.backordered},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    with override(order.language):
        order_url = settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()
    email_queue_rendered(
        to=order.email, template="emails/orders/backorder_allocated", language=order.language,
        reference=order.number,
        context={"order": order, "line": line, "units": held, "still_to_come": line.backordered,
                 "order_complete": not order.lines.filter(backordered__gt=0).exists(), "order_url": order_url},
    )
    return held
