"""An order moves only along these steps; each move writes a timeline event. Cancelling gives back the stock;
shipping takes it off the shelf (inventory ledger)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.hooks import Hook
from inventory import services as stock_services

from ..models import DeliveryMethod, Order, OrderAllocation, OrderEvent

S = Order.Status
ALLOWED_MOVES: dict[str, set[str]] = {
    S.RECEIVED: {S.PAID, S.PREPARING, S.CANCELLED, S.EXPIRED},
    S.PAID: {S.PREPARING, S.CANCELLED},
    S.PREPARING: {S.SHIPPED, S.READY_FOR_PICKUP, S.CANCELLED},
    S.SHIPPED: {S.DELIVERED},
    # Store pickup: the units left stock when it became ready; picked up (with the collector's name) = delivered.
    S.READY_FOR_PICKUP: {S.DELIVERED},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
    # An unpaid card order whose reservation ran out; a late payment holds its stock again (payments.services).
    S.EXPIRED: {S.PAID, S.CANCELLED},
}
RELEASE_REASONS = {S.CANCELLED: "order cancelled", S.EXPIRED: "payment not received in time"}

# An order was cancelled or expired: what the apps above orders do, with order and user, in the same transaction.
# Payments voids the invoice (PaymentsConfig.ready adds invoice_order_closed).
order_closed = Hook("order closed")


class TransitionNotAllowed(ValueError):
    pass


def _held(order: Order) -> list[stock_services.Allocation]:
    rows = OrderAllocation.objects.filter(line__order=order, released=False).select_related("stock", "line")
    return [stock_services.Allocation(r.stock_id, r.line.variant_id, r.stock.location_id, r.quantity) for r in rows]


@transaction.atomic
def order_transition(*, order: Order, to: str, user=None, note: str = "") -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if to not in ALLOWED_MOVES[order.status]:
        raise TransitionNotAllowed(
            _("An order that is “%(current)s” cannot become “%(target)s”.")
            % {"current": order.get_status_display(), "target": S(to).label}
        )
    if (order.status, to) == (S.RECEIVED, S.PREPARING) and order.payment_method != Order.PaymentMethod.ACCOUNT:
        raise TransitionNotAllowed(
            _("Order %(number)s is not paid yet: it is prepared once its payment is received (record a cheque on "
              "its invoice).") % {"number": order.number}
        )
    if to == S.READY_FOR_PICKUP and order.delivery_method.kind != DeliveryMethod.Kind.PICKUP:
        raise TransitionNotAllowed(_("Order %(number)s is delivered to an address, not picked up in store.")
                                   % {"number": order.number})
    if (order.status, to) == (S.READY_FOR_PICKUP, S.DELIVERED) and not note.strip():
        raise TransitionNotAllowed(_("Record who picked up order %(number)s (shipping's Pickups list).")
                                   % {"number": order.number})
    held = _held(order)
    if to in RELEASE_REASONS and held:
        stock_services.stock_release(allocations=held, reference=order.number, user=user,
                                     reason=RELEASE_REASONS[to])
        OrderAllocation.objects.filter(line__order=order, released=False).update(released=True)
        # The units are back on sale: orders waiting for them (backorders) are served first.
        stock_services.restock_after_commit(variant_ids={a.variant_id for a in held})
    elif to in (S.SHIPPED, S.READY_FOR_PICKUP) and held:
        # A pickup's units are handed over when it is ready: they leave the shelf as a parcel would.
        stock_services.stock_ship(allocations=held, reference=order.number, user=user)
        OrderAllocation.objects.filter(line__order=order, released=False).update(released=True)
    if to in RELEASE_REASONS:
        order_closed.run(order=order, user=user)
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    OrderEvent.objects.create(order=order, status=to, note=note[:255],
                              created_by=user if user is not None and user.is_authenticated else None)
    return order
