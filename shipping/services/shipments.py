"""Preparing and shipping orders: what is left to ship, parcels handed to a carrier, and their delivery.

- An order line's units are held at stock locations (OrderAllocation rows that are not released); units not in stock
  when ordered are on backorder (OrderLine.backordered) and are not held. Only held units can ship.
- shipment_create takes the units of a parcel from the line's held allocations, lowest location priority first,
  and ships exactly those through inventory.services.stock_ship (ONLINE_SALE ledger lines). A shipped allocation is
  marked released; one shipped in part keeps the rest held and the shipped part becomes a released row, so "held =
  sum of unreleased allocations" stays true.
- The order moves along orders.services.status.order_transition: to "preparing" while something is left, to
  "shipped" once nothing is held or on backorder. By then nothing is held, so order_transition ships nothing more.
- The shipping notice is written to the outbox in the same transaction.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inventory import services as stock_services
from inventory.locations import StockLocation
from orders.models import DeliveryMethod, Order, OrderAllocation, OrderEvent, OrderLine
from orders.services.status import order_transition
from outbox.services import email_queue_rendered

from ..models import Carrier, Shipment, ShipmentLine

S = Order.Status
TRACKING_MAX = Shipment._meta.get_field("tracking_number").max_length
TRACKING_CHARACTERS = re.compile(r"[A-Za-z0-9]+")


class ShipmentError(ValueError):
    """A shipment that cannot be made as asked; the message is for the person who asked. Nothing was changed."""


# --- reads -------------------------------------------------------------------------------------------------------

@dataclass
class LineToShip:
    """One order line as the person packing it sees it."""

    line: OrderLine
    held: int  # units on the shelf for this order, ready to ship
    backordered: int  # units waiting for stock
    shipped: int  # units already in a shipment
    sources: list[tuple[StockLocation, int]] = field(default_factory=list)  # where the held units are, in order
    made: int = 0  # units made for this order (a made-to-order line holds no stock), not shipped yet

    @property
    def left(self) -> int:
        return self.held + self.backordered + self.made

    @property
    def ready(self) -> int:
        """Units that can go in a parcel now."""
        return self.held + self.made


def _held_allocations(line: OrderLine) -> list[OrderAllocation]:
    """The line's held allocations in the order units are taken from (lowest location priority first). Uses the
    prefetched allocations when there are."""
    rows = [a for a in line.allocations.all() if not a.released]
    return sorted(rows, key=lambda a: (a.stock.location.priority, a.stock.location_id, a.pk))


def _line_to_ship(line: OrderLine) -> LineToShip:
    held_rows = _held_allocations(line)
    sources: dict[int, list] = {}
    for allocation in held_rows:
        location = allocation.stock.location
        sources.setdefault(location.pk, [location, 0])[1] += allocation.quantity
    shipped = sum(s.quantity for s in line.shipment_lines.all())
    return LineToShip(
        line=line,
        held=sum(a.quantity for a in held_rows),
        backordered=line.backordered,
        shipped=shipped,
        sources=[(location, units) for location, units in sources.values()],
        made=line.quantity - shipped if line.made_to_order else 0,
    )


def _lines_prefetch() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.order_by("pk").prefetch_related(
            Prefetch("allocations",
                     queryset=OrderAllocation.objects.filter(released=False).select_related("stock__location")),
            "shipment_lines",
        ),
    )


def _shippable_status() -> Q:
    return Q(status__in=[S.PAID, S.PREPARING]) | Q(status=S.RECEIVED, payment_method=Order.PaymentMethod.ACCOUNT)


def orders_to_prepare() -> list[Order]:
    """Orders staff must prepare (paid or being prepared, or received on account), oldest first. Each carries
    ``to_ship``: a LineToShip per line with units held or on backorder, in line order. A fixed number of queries
    whatever the number of orders."""
    orders = list(
        Order.objects.filter(_shippable_status())
        .select_related("delivery_method")
        .prefetch_related(_lines_prefetch())
        .order_by("created_at", "pk")
    )
    for order in orders:
        order.to_ship = [row for row in map(_line_to_ship, order.lines.all()) if row.left]
    return orders


def orders_to_prepare_count() -> int:
    """How many orders orders_to_prepare lists, in one COUNT (the admin home's "Orders to prepare")."""
    return Order.objects.filter(_shippable_status()).count()


def pickups_waiting():
    """Store-pickup orders among the orders to prepare: paid (or on account) and not handed over yet. Until store
    pickup has a "ready for pickup" step of its own (SPEC S6), that is every pickup order waiting to be prepared or
    collected. The admin's order list filter "Store pickup: waiting" and the admin home's count read it."""
    return Order.objects.filter(_shippable_status(), delivery_method__kind=DeliveryMethod.Kind.PICKUP)


def order_to_ship(*, order_id: int) -> Order:
    """One order with ``to_ship`` set for every line (for the Ship form, the packing slip and the invoice)."""
    order = (
        Order.objects.select_related("delivery_method", "invoice")
        .prefetch_related(_lines_prefetch(), "tax_lines")
        .get(pk=order_id)
    )
    order.to_ship = [_line_to_ship(line) for line in order.lines.all()]
    return order


# --- writes ------------------------------------------------------------------------------------------------------

def tracking_number_normalise(*, carrier: Carrier, tracking_number: str) -> str:
    """The tracking number as the carrier prints it (upper case), or ShipmentError saying what is wrong."""
    number = (tracking_number or "").strip()
    if not number:
        raise ShipmentError(_("Enter the tracking number printed on the carrier's label."))
    if any(c.isspace() for c in number):
        raise ShipmentError(_("Enter the tracking number without spaces."))
    if not TRACKING_CHARACTERS.fullmatch(number):
        raise ShipmentError(_("A tracking number has only letters A to Z and digits 0 to 9."))
    if len(number) > TRACKING_MAX:
        raise ShipmentError(_("A tracking number has at most %(max)d characters.") % {"max": TRACKING_MAX})
    number = number.upper()
    if carrier.tracking_pattern:
        try:
            matches = re.fullmatch(carrier.tracking_pattern, number) is not None
        except re.error as error:
            raise ShipmentError(_("The tracking number format of %(carrier)s is not valid; correct it in the "
                                  "carriers.") % {"carrier": carrier.name}) from error
        if not matches:
            raise ShipmentError(_("%(number)s is not a %(carrier)s tracking number; check it on the label.")
                                % {"number": number, "carrier": carrier.name})
    return number


def _quantities_clean(quantities: dict) -> dict[int, int]:
    cleaned = {}
    for line_id, units in quantities.items():
        if not isinstance(units, int) or isinstance(units, bool) or units < 0:
            raise ShipmentError(_("Quantities are whole numbers, zero or more."))
        try:
            line_id = int(line_id)
        except (TypeError, ValueError) as error:
            raise ShipmentError(_("That item is not part of this order.")) from error
        if units:
            cleaned[line_id] = units
    if not cleaned:
        raise ShipmentError(_("Choose at least one item to ship."))
    return cleaned


def _status_check(order: Order) -> None:
    if order.status in (S.PAID, S.PREPARING):
        return
    if order.status == S.RECEIVED and order.payment_method == Order.PaymentMethod.ACCOUNT:
        return
    if order.status == S.RECEIVED:
        raise ShipmentError(_("Order %(number)s is not paid yet; it ships once its payment is received.")
                            % {"number": order.number})
    raise ShipmentError(_("Order %(number)s is “%(status)s”; there is nothing to ship.")
                        % {"number": order.number, "status": order.get_status_display()})


def _units_check(*, rows: dict[int, LineToShip], wanted: dict[int, int], order: Order) -> None:
    for line_id, units in wanted.items():
        row = rows.get(line_id)
        if row is None:
            raise ShipmentError(_("That item is not part of order %(number)s.") % {"number": order.number})
        line = row.line
        if units > line.quantity:
            raise ShipmentError(ngettext(
                "Order %(number)s has %(count)d unit of %(sku)s; %(units)d cannot ship.",
                "Order %(number)s has %(count)d units of %(sku)s; %(units)d cannot ship.",
                line.quantity,
            ) % {"number": order.number, "count": line.quantity, "sku": line.sku, "units": units})
        if row.left == 0:
            raise ShipmentError(_("Every unit of %(sku)s has already shipped.") % {"sku": line.sku})
        if units > row.left:
            raise ShipmentError(ngettext(
                "Only %(count)d unit of %(sku)s is left to ship.",
                "Only %(count)d units of %(sku)s are left to ship.",
                row.left,
            ) % {"count": row.left, "sku": line.sku})
        if units > row.ready:
            raise ShipmentError(ngettext(
                "%(backordered)d unit of %(sku)s is on backorder; %(held)d can ship now.",
                "%(backordered)d units of %(sku)s are on backorder; %(held)d can ship now.",
                row.backordered,
            ) % {"backordered": row.backordered, "sku": line.sku, "held": row.held})


def _take_from_allocations(*, row: LineToShip, units: int) -> list[stock_services.Allocation]:
    """Release ``units`` of the line's held allocations (lowest priority number first) and return what to ship."""
    shipped = []
    remaining = units
    for allocation in _held_allocations(row.line):
        if remaining == 0:
            break
        take = min(remaining, allocation.quantity)
        if take == allocation.quantity:
            OrderAllocation.objects.filter(pk=allocation.pk).update(released=True)
        else:
            OrderAllocation.objects.filter(pk=allocation.pk).update(quantity=allocation.quantity - take)
            OrderAllocation.objects.create(line=row.line, stock_id=allocation.stock_id, quantity=take, released=True)
        shipped.append(stock_services.Allocation(allocation.stock_id, row.line.variant_id,
                                                 allocation.stock.location_id, take))
        remaining -= take
    return shipped


def shipment_create(*, order: Order, carrier: Carrier, tracking_number: str, quantities: dict[int, int],
                    user=None) -> Shipment:
    """Hand a parcel to a carrier: ``quantities`` maps order line ids to the units in it (zero or missing lines
    are not in it). Raises ShipmentError, changing nothing, for a bad tracking number, no units, more units than
    are held for a line (more than ordered, than left, or still on backorder), an order that cannot ship or an
    inactive carrier. Ships the stock, moves the order and queues the shipping notice in one transaction."""
    number = tracking_number_normalise(carrier=carrier, tracking_number=tracking_number)
    wanted = _quantities_clean(quantities)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        # The carrier row is the lock under which a tracking number is checked unused, then used.
        carrier = Carrier.objects.select_for_update().get(pk=carrier.pk)
        if not carrier.is_active:
            raise ShipmentError(_("%(carrier)s is no longer used; choose another carrier.")
                                % {"carrier": carrier.name})
        _status_check(order)
        if Shipment.objects.filter(carrier=carrier, tracking_number=number).exists():
            raise ShipmentError(_("%(carrier)s tracking number %(number)s is already used by another shipment.")
                                % {"carrier": carrier.name, "number": number})
        lines = list(
            OrderLine.objects.filter(order=order).order_by("pk").prefetch_related(
                Prefetch("allocations", queryset=OrderAllocation.objects.select_for_update(of=("self",))
                         .filter(released=False).select_related("stock__location")),
                "shipment_lines",
            )
        )
        rows = {line.pk: _line_to_ship(line) for line in lines}
        _units_check(rows=rows, wanted=wanted, order=order)

        shipment = Shipment.objects.create(order=order, carrier=carrier, tracking_number=number,
                                           created_by=user if user is not None and user.is_authenticated else None)
        parcel = ShipmentLine.objects.bulk_create([
            ShipmentLine(shipment=shipment, order_line=rows[line_id].line, quantity=units)
            for line_id, units in sorted(wanted.items())
        ])
        to_ship = [a for line_id, units in sorted(wanted.items())
                   for a in _take_from_allocations(row=rows[line_id], units=units)]
        stock_services.stock_ship(allocations=to_ship, reference=order.number, user=user)

        left = sum(row.left for row in rows.values()) - sum(wanted.values())
        _order_move(order=order, shipment=shipment, rows=rows, shipped_now=sum(wanted.values()), left=left,
                    user=user)
        _shipping_notice_queue(order=order, shipment=shipment, parcel=parcel, complete=left == 0)
    return shipment


def _order_move(*, order: Order, shipment: Shipment, rows: dict[int, LineToShip], shipped_now: int, left: int,
                user) -> None:
    parcel = _parcel(shipment, order.language)
    if left == 0:
        if order.status != S.PREPARING:
            order_transition(order=order, to=S.PREPARING, user=user)
        # Nothing is held any more: order_transition has no stock left to ship.
        order_transition(order=order, to=S.SHIPPED, user=user, note=parcel)
        return
    total = sum(row.line.quantity for row in rows.values())
    shipped = sum(row.shipped for row in rows.values()) + shipped_now
    with translation.override(order.language):  # the timeline is the customer's
        note = _("Partly shipped: %(shipped)d of %(total)d items, %(parcel)s") % {
            "shipped": shipped, "total": total, "parcel": parcel}
    if order.status == S.PREPARING:
        OrderEvent.objects.create(order=order, status=S.PREPARING, note=note[:255],
                                  created_by=user if user is not None and user.is_authenticated else None)
    else:
        order_transition(order=order, to=S.PREPARING, user=user, note=note)


def _parcel(shipment: Shipment, language: str) -> str:
    """"Postes Canada 1234…": the carrier's name in the customer's language (the timeline is theirs)."""
    with translation.override(language):
        return f"{shipment.carrier.name} {shipment.tracking_number}"


def _shipping_notice_queue(*, order: Order, shipment: Shipment, parcel: list[ShipmentLine], complete: bool) -> None:
    with translation.override(order.language):
        order_url = settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()
        carrier_name = shipment.carrier.name
    email_queue_rendered(
        to=order.email, template="emails/shipping/shipped", language=order.language, reference=order.number,
        context={
            "order": order,
            "shipment": shipment,
            "carrier_name": carrier_name,
            "tracking_number": shipment.tracking_number,
            "tracking_link": shipment.tracking_link,
            "items": [(item.order_line, item.quantity) for item in parcel],
            "complete": complete,
            "order_url": order_url,
        },
    )


def shipment_deliver(*, shipment: Shipment, user=None) -> Shipment:
    """The carrier delivered the parcel. Once every parcel of a shipped order is delivered, the order is
    delivered. Delivering a parcel twice changes nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        shipment = Shipment.objects.select_for_update().select_related("carrier").get(pk=shipment.pk)
        if shipment.delivered_at is not None:
            return shipment
        shipment.delivered_at = timezone.now()
        shipment.save(update_fields=["delivered_at"])
        parcel = _parcel(shipment, order.language)
        all_delivered = not order.shipments.filter(delivered_at__isnull=True).exists()
        if all_delivered and order.status == S.SHIPPED:
            order_transition(order=order, to=S.DELIVERED, user=user, note=parcel)
        else:
            with translation.override(order.language):  # the timeline is the customer's
                note = _("Parcel delivered: %(parcel)s") % {"parcel": parcel}
            OrderEvent.objects.create(order=order, status=order.status, note=note[:255],
                                      created_by=user if user is not None and user.is_authenticated else None)
    return shipment
