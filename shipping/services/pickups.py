"""Store pickup (SPEC S6): a paid pickup order is prepared, made ready at its store, then collected. No carrier and
no tracking number.

- Who: the staff assigned to the pickup's store (shipping.StoreAssignment); Managers (who keep the assignments) and
  superusers act for every store. The services check it, so no page or API can hand over another store's order.
- Ready for pickup (pickup_mark_ready): every unit must be held (nothing on backorder). The held units leave stock
  here, through orders.services.status.order_transition -> inventory.services.stock_ship (ONLINE_SALE ledger lines),
  exactly as a shipment's would: from then on they are the customer's goods on the pickup shelf, no longer stock on
  sale or in a count, wherever they were held (a warehouse sends them to the store as it would send a parcel). The
  customer is emailed with the store's address and opening hours.
- Picked up (pickup_collect): staff record the name of the person who collected it; the order becomes delivered.
- Not collected: a pickup ready for SHOP_PICKUP_REMIND_DAYS days or more is flagged (pickups_not_collected, the
  Pickups list and the admin's Today panel); the daily job pickups_remind emails the customer once.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inventory.locations import StockLocation
from orders.models import DeliveryMethod, Order, OrderEvent
from orders.services.status import order_transition
from outbox.services import email_queue_rendered

from ..models import StoreAssignment

S = Order.Status
COLLECTED_BY_MAX = Order._meta.get_field("picked_up_by").max_length

# A store's week of opening hours for the emails: pages (a layer above) adds its reader in PagesConfig.ready; each
# day has .name, .opens, .closes, .closed. Without a reader (or with no open day) the email shows the location's
# short summary (StockLocation.opening_hours).
store_week_readers: list[Callable[[StockLocation], list]] = []


class PickupError(ValueError):
    """A pickup step that cannot be taken as asked; the message is for the person who asked. Nothing changed."""


# --- reads -------------------------------------------------------------------------------------------------------

def pickup_store_ids(*, user) -> QuerySet | None:
    """The ids of the stores whose pickups `user` handles (a subquery), or None for every store: superusers and whoever
    assigns staff to stores (shipping.change_storeassignment: Managers), read from the permissions already cached."""
    if user.is_superuser or user.has_perm("shipping.change_storeassignment"):
        return None
    return StoreAssignment.objects.filter(user=user).values_list("location_id", flat=True)


def pickups_for(*, user, queryset: QuerySet | None = None) -> QuerySet:
    """Every pickup order of the stores `user` handles (none for a member assigned to no store), among `queryset`
    (orders, or the admin's Pickup proxy rows)."""
    orders = (Order.objects.all() if queryset is None else queryset).filter(
        delivery_method__kind=DeliveryMethod.Kind.PICKUP)
    stores = pickup_store_ids(user=user)
    return orders if stores is None else orders.filter(delivery_method__pickup_location__in=stores)


def pickup_remind_after() -> timedelta:
    return timedelta(days=settings.SHOP_PICKUP_REMIND_DAYS)


def pickups_not_collected(*, now: datetime | None = None) -> QuerySet:
    """Pickups ready at the store for SHOP_PICKUP_REMIND_DAYS days or more and still not collected."""
    return Order.objects.filter(status=S.READY_FOR_PICKUP,
                                pickup_ready_at__lte=(now or timezone.now()) - pickup_remind_after())


def store_week(location: StockLocation) -> list:
    for reader in store_week_readers:
        days = reader(location)
        if any(not day.closed for day in days):
            return days
    return []


# --- writes ------------------------------------------------------------------------------------------------------

def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _store_check(*, order: Order, user) -> StockLocation:
    method = order.delivery_method
    if method.kind != DeliveryMethod.Kind.PICKUP or method.pickup_location is None:
        raise PickupError(_("Order %(number)s is not picked up in store.") % {"number": order.number})
    stores = pickup_store_ids(user=user) if user is not None else None
    if stores is not None and method.pickup_location_id not in stores:
        raise PickupError(_("Order %(number)s is picked up at %(store)s, which is not one of your stores.")
                          % {"number": order.number, "store": method.pickup_location.name})
    return method.pickup_location


def _locked(order: Order) -> Order:
    return (Order.objects.select_for_update(of=("self",)).select_related("delivery_method__pickup_location")
            .get(pk=order.pk))


def pickup_mark_ready(*, order: Order, user) -> Order:
    """The order waits at its store: its held units leave stock (see the module docstring), the order becomes
    "ready for pickup" and the customer is emailed with the store's address and hours. Raises PickupError, changing
    nothing, for an order not picked up in store, of another store than the user's, not paid (or on account), or
    with units still on backorder."""
    with transaction.atomic():
        order = _locked(order)
        store = _store_check(order=order, user=user)
        paid = order.status in (S.PAID, S.PREPARING) or (
            order.status == S.RECEIVED and order.payment_method == Order.PaymentMethod.ACCOUNT)
        if not paid:
            if order.status == S.RECEIVED:
                raise PickupError(_("Order %(number)s is not paid yet; it can be made ready once it is.")
                                  % {"number": order.number})
            raise PickupError(_("Order %(number)s is “%(status)s”; it cannot be made ready for pickup.")
                              % {"number": order.number, "status": order.get_status_display()})
        waiting = [line for line in order.lines.order_by("pk") if line.backordered]
        if waiting:
            line = waiting[0]
            raise PickupError(ngettext(
                "%(count)d unit of %(sku)s is on backorder; the order can be ready once it arrives.",
                "%(count)d units of %(sku)s are on backorder; the order can be ready once they arrive.",
                line.backordered) % {"count": line.backordered, "sku": line.sku})
        if order.status != S.PREPARING:
            order_transition(order=order, to=S.PREPARING, user=user)
        with translation.override(order.language):  # the timeline is the customer's
            note = _("At %(store)s") % {"store": store.name}
        order_transition(order=order, to=S.READY_FOR_PICKUP, user=user, note=note)
        order.status = S.READY_FOR_PICKUP
        order.pickup_ready_at = timezone.now()
        order.save(update_fields=["pickup_ready_at", "updated_at"])
        _pickup_email_queue(order=order, store=store, template="emails/shipping/ready_for_pickup")
    return order


def pickup_collect(*, order: Order, user, collected_by: str) -> Order:
    """The customer (or someone for them) collected the order: record who and when; the order is delivered."""
    name = " ".join((collected_by or "").split())
    if not name:
        raise PickupError(_("Enter the name of the person who picked up the order."))
    if len(name) > COLLECTED_BY_MAX:
        raise PickupError(_("A name has at most %(max)d characters.") % {"max": COLLECTED_BY_MAX})
    with transaction.atomic():
        order = _locked(order)
        _store_check(order=order, user=user)
        if order.status != S.READY_FOR_PICKUP:
            raise PickupError(_("Order %(number)s is “%(status)s”, not ready for pickup.")
                              % {"number": order.number, "status": order.get_status_display()})
        with translation.override(order.language):
            note = _("Picked up by %(name)s") % {"name": name}
        order_transition(order=order, to=S.DELIVERED, user=user, note=note)
        order.status = S.DELIVERED
        order.picked_up_at = timezone.now()
        order.picked_up_by = name
        order.save(update_fields=["picked_up_at", "picked_up_by", "updated_at"])
    return order


def pickups_remind(*, now: datetime | None = None) -> int:
    """Email once each customer whose pickup has waited SHOP_PICKUP_REMIND_DAYS days or more; returns how many.
    Idempotent: the reminder time is set by a conditional update in the email's transaction."""
    sent = 0
    candidates = pickups_not_collected(now=now).filter(pickup_reminded_at__isnull=True).values_list("pk", flat=True)
    for order_id in list(candidates):
        with transaction.atomic():
            claimed = Order.objects.filter(pk=order_id, status=S.READY_FOR_PICKUP,
                                           pickup_reminded_at__isnull=True).update(pickup_reminded_at=timezone.now())
            if not claimed:
                continue
            order = Order.objects.select_related("delivery_method__pickup_location").get(pk=order_id)
            store = order.delivery_method.pickup_location
            with translation.override(order.language):
                note = _("Pickup reminder sent")
            OrderEvent.objects.create(order=order, status=order.status, note=note)
            _pickup_email_queue(order=order, store=store, template="emails/shipping/pickup_reminder")
        sent += 1
    return sent


def _pickup_email_queue(*, order: Order, store: StockLocation, template: str) -> None:
    with translation.override(order.language):
        order_url = settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()
    email_queue_rendered(
        to=order.email, template=template, language=order.language, reference=order.number,
        context={"order": order, "store": store, "week": store_week(store), "order_url": order_url,
                 "lines": list(order.lines.order_by("pk")),
                 "keep_days": settings.SHOP_PICKUP_REMIND_DAYS},
    )
