"""The filters staff use on the admin's Orders list (README: "*Orders* has a "late" filter for orders past their
promised date and not shipped"; a payment of the wrong amount is "flagged for staff (*Orders*, filter "needs
attention")"). Each list must hold exactly the right orders: every status, the promised date on each side of today.

The shop's clock is fixed at Tuesday 24 November 2026, 10:00 in Calgary, so "today" cannot move under the test."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Edmonton"))
S = Order.Status


@pytest.fixture(autouse=True)
def shop_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def order_make(number: str, status: str, *, promised_on: date | None = None, attention: str = "",
               delivery=None) -> Order:
    return Order.objects.create(
        number=number, status=status, promised_on=promised_on, attention=attention, email="ana@example.com",
        ship_name="Ana Tremblay", ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
        ship_postal_code="T2P 1J9", delivery_method=delivery, delivery_label="Standard delivery",
        payment_method=Order.PaymentMethod.CHEQUE, subtotal=Decimal("18.00"), shipping=Decimal("12.00"),
        handling=Decimal("2.50"), tax_total=Decimal("1.63"), total=Decimal("34.13"),
    )


def listed(browser, query: str) -> list[str]:
    """The order numbers in the Orders list under that filter, as staff see them."""
    response = browser.get(reverse("admin:orders_order_changelist") + query)
    assert response.status_code == 200
    return sorted(re.findall(r'<th class="field-number"><a href="[^"]*">([^<]+)</a>', response.content.decode()))


def test_the_late_filter_lists_exactly_the_orders_past_their_promised_date_and_not_shipped(canada, staff_in, client):
    last_week, yesterday, today, tomorrow = (date(2026, 11, day) for day in (17, 23, 24, 25))
    for number, status, promised_on in [
        ("L-RECEIVED", S.RECEIVED, yesterday),
        ("L-PAID", S.PAID, last_week),
        ("L-PREPARING", S.PREPARING, yesterday),
        ("DUE-TODAY", S.RECEIVED, today),  # promised for today: not late yet
        ("DUE-TOMORROW", S.PAID, tomorrow),
        ("NO-PROMISE", S.RECEIVED, None),  # picked up in a store: no delivery promised
        ("SHIPPED", S.SHIPPED, yesterday),  # on its way: the carrier's, not the warehouse's
        ("DELIVERED", S.DELIVERED, last_week),
        ("CANCELLED", S.CANCELLED, last_week),
        ("EXPIRED", S.EXPIRED, last_week),
    ]:
        order_make(number, status, promised_on=promised_on, delivery=canada)
    client.force_login(staff_in("Warehouse"))

    assert listed(client, "?late=yes") == ["L-PAID", "L-PREPARING", "L-RECEIVED"]
    assert len(listed(client, "")) == 10


def test_the_needs_attention_filter_lists_exactly_the_flagged_orders(canada, staff_in, client):
    order_make("PAID-LESS", S.RECEIVED, attention="Paid $30.00 by card; the order's total is $34.13.", delivery=canada)
    order_make("PAID-LATE", S.CANCELLED, attention="Paid after it expired; refunded.", delivery=canada)
    order_make("FINE", S.PAID, delivery=canada)
    order_make("DONE", S.DELIVERED, delivery=canada)
    client.force_login(staff_in("Accounts"))

    assert listed(client, "?attention=yes") == ["PAID-LATE", "PAID-LESS"]
    assert listed(client, "?attention=no") == ["DONE", "FINE"]
