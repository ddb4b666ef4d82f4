"""Reads for returns: what of an order can still be sent back, until when, and what a return is worth."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderEvent, OrderLine
from shipping.models import Shipment, ShipmentLine

from .models import ReturnLine, ReturnRequest

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SHIPPED_STATUSES = (Order.Status.SHIPPED, Order.Status.DELIVERED)
# Where an order's latest return stands, in words a list of orders shows next to the order's status ("Delivered ·
# Return requested"): the order stays delivered while its return goes on.
RETURN_STEP_WORDS = {
    ReturnRequest.Status.REQUESTED: _("Return requested"),
    ReturnRequest.Status.APPROVED: _("Return approved"),
    ReturnRequest.Status.REFUSED: _("Return refused"),
    ReturnRequest.Status.RECEIVED: _("Return received"),
    ReturnRequest.Status.REFUNDED: _("Return refunded"),
}


def latest_return_status():
    """The status of the order's latest return (None without one), as a subquery to annotate orders with."""
    return Subquery(ReturnRequest.objects.filter(order=OuterRef("pk")).order_by("-created_at", "-pk")
                    .values("status")[:1])


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    shipped: int
    in_returns: int

    @property
    def returnable(self) -> int:
        return max(0, self.shipped - self.in_returns)


@dataclass(frozen=True)
class ReturnOffer:
    """What the customer may still return, and the last day they may ask (None: nothing has shipped)."""

    lines: list[ReturnableLine]
    last_day: date | None

    @property
    def window_open(self) -> bool:
        return self.last_day is not None and timezone.localdate() <= self.last_day

    @property
    def available(self) -> bool:
        return self.window_open and any(row.returnable for row in self.lines)


def order_delivered_at(*, order: Order) -> datetime | None:
    """When the return window starts: the latest delivery of a shipment, else when the last shipment left, else
    when the order was marked delivered or shipped; None for an order that has not shipped."""
    shipments = list(Shipment.objects.filter(order=order).order_by("shipped_at", "pk").values_list(
        "shipped_at", "delivered_at"))
    delivered = [delivered_at for _shipped, delivered_at in shipments if delivered_at is not None]
    if delivered:
        return max(delivered)
    if shipments:
        return shipments[-1][0]
    # No shipment rows (a store pickup, an order marked shipped by hand): when the order reached the last of these
    # states. Later steps that leave the status as it is (a return asked for, a payment) repeat it in their events,
    # and must not move the window.
    events = list(OrderEvent.objects.filter(order=order, status__in=SHIPPED_STATUSES)
                  .order_by("created_at", "pk").values_list("status", "created_at"))
    if not events:
        return None
    reached = events[-1][0]
    return next(at for status, at in events if status == reached)


def return_last_day(*, order: Order) -> date | None:
    """The last day (shop time) a return may be asked for, SHOP_RETURN_DAYS after delivery."""
    delivered_at = order_delivered_at(order=order)
    if delivered_at is None:
        return None
    return timezone.localdate(delivered_at) + timedelta(days=settings.SHOP_RETURN_DAYS)


def returnable_lines(*, order: Order) -> list[ReturnableLine]:
    """Per order line: units shipped (every unit when the order is marked shipped without shipment rows) and units
    already in a return that was not refused."""
    lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
    shipped_rows = dict(ShipmentLine.objects.filter(shipment__order=order).values("order_line")
                        .annotate(n=Sum("quantity")).values_list("order_line", "n"))
    if not shipped_rows and order.status in SHIPPED_STATUSES:
        shipped_rows = {line.pk: line.quantity for line in lines}
    returned = dict(ReturnLine.objects.filter(request__order=order)
                    .exclude(request__status=ReturnRequest.Status.REFUSED)
                    .values("order_line").annotate(n=Sum("quantity")).values_list("order_line", "n"))
    return [ReturnableLine(line=line, shipped=min(line.quantity, shipped_rows.get(line.pk, 0)),
                           in_returns=returned.get(line.pk, 0)) for line in lines]


def return_offer(*, order: Order) -> ReturnOffer:
    return ReturnOffer(lines=returnable_lines(order=order), last_day=return_last_day(order=order))


@dataclass(frozen=True)
class ReturnValue:
    goods: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.goods + self.tax


def return_value(*, order: Order, quantities: dict[OrderLine, int]) -> ReturnValue:
    """What returned units are worth to the customer: their price (less their share of any order discount) plus
    their share of the tax each tax line charged on goods (not on shipping), rounded half-up to the cent per tax
    line. Shipping and handling are not refunded."""
    price = sum((line.unit_price * quantity for line, quantity in quantities.items()), start=ZERO)
    if not price or not order.subtotal:
        return ReturnValue(goods=ZERO, tax=ZERO)
    share = price / order.subtotal
    goods_sold = order.subtotal - order.discount
    goods = cents(goods_sold * share)
    tax = ZERO
    for tax_line in order.tax_lines.all():
        if not tax_line.base:
            continue
        on_goods = tax_line.amount * min(goods_sold, tax_line.base) / tax_line.base
        tax += cents(on_goods * share)
    return ReturnValue(goods=goods, tax=tax)


def request_value(*, request: ReturnRequest) -> ReturnValue:
    return return_value(order=request.order,
                        quantities={line.order_line: line.quantity
                                    for line in request.lines.select_related("order_line")})
