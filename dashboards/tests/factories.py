"""Rows for the dashboards' fixed data sets, at the shop times a test gives (auto_now_add fields are set after)."""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from orders.models import DeliveryMethod, Order, OrderEvent, OrderLine
from payments.models import Invoice, Payment, Refund
from shipping.models import Carrier, Shipment

EDMONTON = ZoneInfo("America/Edmonton")


def at(text: str) -> datetime.datetime:
    """"2026-04-03 23:30" in Edmonton, as an aware datetime."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=EDMONTON)


@contextmanager
def clock(moment: datetime.datetime):
    """timezone.now() is `moment` (auto_now_add fields, the shop's today) inside the block."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def delivery_method() -> DeliveryMethod:
    method, _created = DeliveryMethod.objects.get_or_create(code="dash-std", defaults={
        "name": "Standard", "price": Decimal("10.00")})
    return method


def carrier() -> Carrier:
    found, _created = Carrier.objects.get_or_create(code="dash-carrier", defaults={"name": "Dash Post"})
    return found


_numbers = iter(range(1, 10_000))


def order_make(*, created: str, status=Order.Status.PAID, method=Order.PaymentMethod.CARD, lines=(), shipping="0",
               handling="0", discount="0", tax="0", promised_on=None, ships_by=None, number=None) -> Order:
    """An order placed at `created` (Edmonton); lines are (variant, quantity, unit price)."""
    subtotal = sum((Decimal(price) * qty for _variant, qty, price in lines), Decimal("0"))
    total = subtotal + Decimal(shipping) + Decimal(handling) - Decimal(discount) + Decimal(tax)
    order = Order.objects.create(
        number=number or f"D-{next(_numbers):05d}", status=status, email="buyer@example.com", ship_name="Buyer",
        ship_address="1 Main St", ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
        delivery_method=delivery_method(), delivery_label="Standard", payment_method=method,
        subtotal=subtotal, shipping=Decimal(shipping), handling=Decimal(handling), discount=Decimal(discount),
        tax_total=Decimal(tax), total=total, promised_on=promised_on, ships_by=ships_by)
    for variant, qty, price in lines:
        OrderLine.objects.create(order=order, variant=variant, sku=variant.sku, name="Item",
                                 unit_price=Decimal(price), quantity=qty, line_total=Decimal(price) * qty)
    Order.objects.filter(pk=order.pk).update(created_at=at(created))
    order.refresh_from_db()
    return order


def event_add(order: Order, status: str, when: str) -> OrderEvent:
    event = OrderEvent.objects.create(order=order, status=status)
    OrderEvent.objects.filter(pk=event.pk).update(created_at=at(when))
    return event


def shipment_add(order: Order, shipped: str, delivered: str | None = None) -> Shipment:
    shipment = Shipment.objects.create(order=order, carrier=carrier(), tracking_number=f"T{order.pk}{shipped[-5:]}"
                                       .replace(":", ""))
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=at(shipped),
                                                   delivered_at=at(delivered) if delivered else None)
    return shipment


def invoice_add(order: Order, *, amount, due_on, status=Invoice.Status.OPEN, paid="0", refunded="0",
                credited="0") -> Invoice:
    return Invoice.objects.create(order=order, number=f"INV-{order.number}", status=status, amount=Decimal(amount),
                                  amount_paid=Decimal(paid), amount_refunded=Decimal(refunded),
                                  amount_credited=Decimal(credited), issued_on=due_on - datetime.timedelta(days=30),
                                  due_on=due_on)


def refund_add(order: Order, *, amount, when: str | None, method=Payment.Method.CARD,
               status=Refund.Status.SUCCEEDED) -> Refund:
    payment = Payment.objects.create(order=order, method=method, status=Payment.Status.SUCCEEDED,
                                     amount=Decimal("1000.00"))
    return Refund.objects.create(payment=payment, order=order, amount=Decimal(amount), reason="test", status=status,
                                 refunded_at=at(when) if when else None)
