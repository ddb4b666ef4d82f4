"""Data for the staff app's tests: orders made directly in a given state, and the fixed shop of the "Today" panel
(also read by the browser test, tests/e2e/test_today_journeys.py)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from catalog.tests.factories import VariantFactory
from community.models import ProductQuestion
from community.tests.factories import AnswerFactory, QuestionFactory
from help.models import CustomerQuestion
from inventory.models import Stock
from inventory.tests.factories import WarehouseFactory
from orders.models import DeliveryMethod, Order
from outbox.models import OutboxEmail
from payments.models import Invoice

S = Order.Status
_numbers = itertools.count(1)


def delivery_methods() -> tuple[DeliveryMethod, DeliveryMethod]:
    """A delivery to the address and a pickup in store."""
    ship, _ = DeliveryMethod.objects.get_or_create(code="standard", defaults={
        "name": "Standard delivery", "price": Decimal("12.00")})
    pickup, _ = DeliveryMethod.objects.get_or_create(code="pickup-yyc", defaults={
        "name": "Pickup at the Calgary store", "kind": DeliveryMethod.Kind.PICKUP, "price": Decimal("0")})
    return ship, pickup


def order_make(status: str, delivery: DeliveryMethod, *, promised_on: datetime.date | None = None,
               payment_method: str = Order.PaymentMethod.CHEQUE, number: str | None = None) -> Order:
    return Order.objects.create(
        number=number or f"T-{next(_numbers):05d}", status=status, promised_on=promised_on,
        email="ana@example.com", ship_name="Ana Tremblay", ship_address="100 8 Ave SW", ship_city="Calgary",
        ship_province="AB", ship_postal_code="T2P 1J9", delivery_method=delivery, delivery_label=delivery.name,
        payment_method=payment_method, subtotal=Decimal("18.00"), shipping=Decimal("12.00"),
        handling=Decimal("2.50"), tax_total=Decimal("1.63"), total=Decimal("34.13"),
    )


def invoice_make(order: Order, *, due_on: datetime.date, status: str = Invoice.Status.OPEN) -> Invoice:
    return Invoice.objects.create(order=order, number=f"INV-{order.number}", status=status, amount=order.total,
                                  issued_on=due_on - datetime.timedelta(days=14), due_on=due_on)


# What the Today panel must count on today_shop_seed()'s shop, worked out by hand in its comments.
TODAY_COUNTS = {"to_prepare": 6, "late": 3, "pickups": 2, "pickups_not_collected": 0, "overdue": 2,
                "customer_questions": 3,
                "product_questions": 3, "low_stock": 2, "failed_emails": 2}


def today_shop_seed() -> dict[str, int]:
    """A shop with a little of everything the Today panel counts, on each side of every line. Dates are relative to
    today, so the counts (TODAY_COUNTS) hold whatever the day."""
    today = timezone.localdate()
    days = datetime.timedelta
    ship, pickup = delivery_methods()
    # Orders:                                         to prepare  late  pickup waiting
    a = order_make(S.PAID, ship, promised_on=today - days(2))  # yes  yes
    order_make(S.PREPARING, ship, promised_on=today + days(3))  # yes
    c = order_make(S.RECEIVED, ship, promised_on=today - days(1),
                   payment_method=Order.PaymentMethod.ACCOUNT)  # yes (on account)  yes
    d = order_make(S.RECEIVED, ship, promised_on=today - days(5))  # cheque not received: late only
    order_make(S.PAID, pickup)  # yes  yes
    order_make(S.PREPARING, pickup)  # yes  yes
    g = order_make(S.RECEIVED, pickup)  # cheque not received
    h = order_make(S.SHIPPED, ship, promised_on=today - days(3))  # on its way
    order_make(S.DELIVERED, pickup)
    order_make(S.CANCELLED, ship, promised_on=today - days(10))
    order_make(S.PREPARING, ship, promised_on=today)  # yes; due today: not late yet

    # Invoices: overdue = open and due before today.
    invoice_make(d, due_on=today - days(1))  # overdue
    invoice_make(c, due_on=today - days(30))  # overdue
    invoice_make(g, due_on=today)  # due today: not overdue yet
    invoice_make(a, due_on=today - days(3), status=Invoice.Status.PAID)
    invoice_make(h, due_on=today - days(40), status=Invoice.Status.VOID)

    # The help inbox: 3 new questions.
    for n, status in enumerate(["new", "new", "new", "answered", "closed"]):
        CustomerQuestion.objects.create(name="Luc", email="luc@example.com", question=f"Question {n}?",
                                        status=status)

    # Product questions without a published answer, not rejected: 3.
    P = ProductQuestion.Status
    QuestionFactory(status=P.PENDING)  # unanswered
    AnswerFactory(question=QuestionFactory(status=P.PUBLISHED), status=P.PUBLISHED, is_staff_answer=True)  # answered
    AnswerFactory(question=QuestionFactory(status=P.PUBLISHED), status=P.PENDING)  # an answer not published yet
    QuestionFactory(status=P.REJECTED)  # not to be answered
    QuestionFactory(status=P.PUBLISHED)  # unanswered

    # Stock at or under its reorder point: 2.
    warehouse = WarehouseFactory(code="wh-today")
    for on_hand, reserved, reorder_point in [(10, 8, 2), (10, 0, 5), (3, 0, None), (0, 0, 0)]:
        Stock.objects.create(variant=VariantFactory(), location=warehouse, on_hand=on_hand, reserved=reserved,
                             reorder_point=reorder_point)

    # The outbox: 2 failed emails.
    for status in ["failed", "failed", "sent", "pending"]:
        OutboxEmail.objects.create(to="ana@example.com", subject=f"An email {status}", text_body="Hello",
                                   status=status, sent_at=timezone.now() if status == "sent" else None)
    return dict(TODAY_COUNTS)
