"""The dashboards' fixed data sets. The shop's clock stands at Wednesday 15 April 2026, noon in Edmonton (MDT,
UTC-6); the period looked at is 1–14 April 2026 (14 days), its previous period 18–31 March.

Every figure the tests expect is worked out by hand in the docstring of the fixture that makes its rows."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from orders.models import Order
from payments.models import Invoice, Payment, Refund
from shipping.models import FulfilmentCapacity, Holiday
from staff.roles import MANAGERS

from .factories import at, clock, event_add, invoice_add, order_make, refund_add, shipment_add

NOW = at("2026-04-15 12:00")
PERIOD = {"range": "custom", "start": "2026-04-01", "end": "2026-04-14"}
S, M = Order.Status, Order.PaymentMethod


@pytest.fixture
def now():
    with clock(NOW):
        yield NOW


@pytest.fixture
def manager(django_user_model, db):
    user = django_user_model.objects.create_user("mona", password="pw-123-manager", is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def variant(db):
    return VariantFactory(sku="MUG-1", price=Decimal("50.00"))


@pytest.fixture
def sales_data(now, variant, store):
    """Orders (net = total - taxes):
        A card paid       1 Apr 09:00   2 × 50.00 + 10.00 shipping + 2.50 handling, tax 5.63  -> net 112.50
        B cheque shipped  3 Apr 23:30   (5:30 UTC on the 4th: an Edmonton 3 April sale)
                                        1 × 40.00 + 12.00 + 2.50 - 4.00 discount, tax 2.53     -> net  50.50
        C account deliv. 10 Apr 14:00   4 × 50.00, tax 10.00                                   -> net 200.00
        D card received  12 Apr         waiting for its card payment: not a sale
        E cheque cancel.  5 Apr         not a sale
        F card preparing 14 Apr 23:59   1 × 30.00 + 5.00 shipping, tax 1.75                    -> net  35.00
        G card paid      15 Apr 00:30   today, after the period
      This period: 4 orders, 398.00, average 99.50, 8 units; card 2 / 147.50, cheque 1 / 50.50, account 1 / 200.00.
        H card paid      31 Mar 23:00   1 × 60.00                                              -> net  60.00
        I cheque paid    20 Mar 10:00   1 × 40.01                                              -> net  40.01
      Previous period: 2 orders, 100.01, average 50.005 -> 50.01 (half up), 2 units.
    Open invoices on 15 April (balance = amount - credited - paid + refunded):
        A 100.00 due 20 Apr: not yet due                          100.00
        B  50.00 - 20.00 paid, due 14 Apr: 1 day overdue           30.00  } 1–30: 2 invoices, 110.00
        C  80.00 due 16 Mar: 30 days overdue                       80.00  }
        D  70.00 due 15 Mar: 31 days                               70.00    31–60
        E  90.00 - 10.00 credited, due 15 Jan: 90 days             80.00    61–90
        F 200.00 - 50.00 paid + 10.00 refunded, due 14 Jan: 91 d  160.00    90+
        G paid, H void: not owed.                          Total: 6 invoices, 520.00
    Refunds made: 12.34 card (5 Apr), 5.00 cheque (14 Apr 23:00) -> 2, 17.34; one pending (not counted);
      7.00 on 25 March (previous period).
    Counter sales at the Calgary store: 3 (2 Apr) + 2 (13 Apr) = 5; 1 on 20 March (previous period)."""
    orders = {
        "A": order_make(created="2026-04-01 09:00", lines=[(variant, 2, "50.00")], shipping="10.00",
                        handling="2.50", tax="5.63"),
        "B": order_make(created="2026-04-03 23:30", status=S.SHIPPED, method=M.CHEQUE,
                        lines=[(variant, 1, "40.00")], shipping="12.00", handling="2.50", discount="4.00",
                        tax="2.53"),
        "C": order_make(created="2026-04-10 14:00", status=S.DELIVERED, method=M.ACCOUNT,
                        lines=[(variant, 4, "50.00")], tax="10.00"),
        "D": order_make(created="2026-04-12 10:00", status=S.RECEIVED, lines=[(variant, 1, "99.00")]),
        "E": order_make(created="2026-04-05 10:00", status=S.CANCELLED, method=M.CHEQUE,
                        lines=[(variant, 1, "77.00")]),
        "F": order_make(created="2026-04-14 23:59", status=S.PREPARING, lines=[(variant, 1, "30.00")],
                        shipping="5.00", tax="1.75"),
        "G": order_make(created="2026-04-15 00:30", lines=[(variant, 1, "10.00")]),
        "H": order_make(created="2026-03-31 23:00", lines=[(variant, 1, "60.00")]),
        "I": order_make(created="2026-03-20 10:00", method=M.CHEQUE, lines=[(variant, 1, "40.01")]),
    }
    day = datetime.date
    invoice_add(orders["A"], amount="100.00", due_on=day(2026, 4, 20))
    invoice_add(orders["B"], amount="50.00", paid="20.00", due_on=day(2026, 4, 14))
    invoice_add(orders["C"], amount="80.00", due_on=day(2026, 3, 16))
    invoice_add(orders["D"], amount="70.00", due_on=day(2026, 3, 15))
    invoice_add(orders["E"], amount="90.00", credited="10.00", due_on=day(2026, 1, 15))
    invoice_add(orders["F"], amount="200.00", paid="50.00", refunded="10.00", due_on=day(2026, 1, 14))
    invoice_add(orders["G"], amount="10.00", paid="10.00", status=Invoice.Status.PAID, due_on=day(2026, 1, 1))
    invoice_add(orders["H"], amount="60.00", status=Invoice.Status.VOID, due_on=day(2026, 1, 1))
    refund_add(orders["A"], amount="12.34", when="2026-04-05 10:00")
    refund_add(orders["B"], amount="5.00", when="2026-04-14 23:00", method=Payment.Method.CHEQUE)
    refund_add(orders["C"], amount="99.00", when=None, status=Refund.Status.PENDING)
    refund_add(orders["H"], amount="7.00", when="2026-03-25 10:00")
    with clock(at("2026-03-01 09:00")):
        stock_services.stock_receive(variant=variant, location=store, quantity=10)
    # Counter sales at the catalogue price ($50.00), but the 13 April one at $45.00 a unit (the till's price).
    for moment, units, price in (("2026-04-02 11:00", 3, None), ("2026-04-13 16:00", 2, Decimal("45.00")),
                                 ("2026-03-20 12:00", 1, None)):
        with clock(at(moment)):
            stock_services.stock_sell_in_store(variant=variant, location=store, quantity=units, unit_price=price)
    return orders


@pytest.fixture
def fulfilment_data(now, variant):
    """Time to ship (card: from the first "paid" event; cheque and account: from the order), first parcel only:
        S1 card     paid 1 Apr 10:00, shipped 2 Apr 10:00                               24.0 h
        S2 cheque   placed 2 Apr 09:00 (paid 5 Apr: ignored), shipped 6 Apr 15:00       102.0 h
        S3 account  placed 7 Apr 12:00, shipped 7 Apr 18:30                              6.5 h
        S4 card     paid 8 Apr 08:30, first parcel 9 Apr 14:30 (second 12 Apr)          30.0 h
      This period, sorted: 6.5, 24, 30, 102. Median: position 0.5 × 3 = 1.5 -> 24 + 0.5 × 6 = 27.0 h.
      90th percentile: position 0.9 × 3 = 2.7 -> 30 + 0.7 × 72 = 80.4 h.
      By time: < 24 h 1, 24–48 h 2, 3–5 d 1.
        S5 card     paid 30 Mar 10:00, shipped 31 Mar 10:00                             24.0 h
        S6 cheque   placed 25 Mar 10:00, shipped 26 Mar 12:00                           26.0 h
      Previous period: median 25.0 h, 90th percentile 24 + 0.9 × 2 = 25.8 h.
    Promises due 1–14 April (the day over), kept when delivered on or before the promised day:
        S1 promised 6 Apr, delivered 5 Apr 15:00: kept
        S2 promised 8 Apr, delivered 8 Apr 23:30 (9 Apr in UTC): kept
        S3 promised 9 Apr, delivered 10 Apr 09:00: late
        S4 promised 14 Apr, shipped, not delivered: late
        L1 paid, promised 10 Apr, not shipped: late
        L2 cheque not received, promised 11 Apr: left out (waits for the customer); C1 cancelled: left out;
        P1 promised 15 Apr: not due yet.
      This period: 2 kept of 5 = 40.0 %. Previous: S5 (31 Mar, delivered 31 Mar) kept, S6 (27 Mar, delivered
      30 Mar) late: 50.0 %.
    Late now: L1 (5 days), L2 (4 days).
    Backorders: L1 placed 10 Apr, 2 units (0–7 days); L3 preparing, placed 1 Mar, 3 units (31+ days); C1's line is on
      a cancelled order: not waiting. 5 units.
    The days ahead: 3 orders a day (1 h × 60 ÷ 20 min); working days Mon–Fri, Friday 17 April a holiday: 15, 16,
      20, 21, 22 April. Ready: L1 (ships by 9 Apr), L3 (no date), P1 (15 Apr) -> 15 Apr: 3; Q1–Q4 (16 Apr) -> 4, 1
      carried; Q5 (17 Apr, the holiday) -> 20 Apr: 1 + 1 carried = 2; Q6 on account (30 Apr): later."""
    day = datetime.date
    orders = {}
    orders["S1"] = order_make(created="2026-04-01 08:00", status=S.DELIVERED, lines=[(variant, 1, "10.00")],
                              promised_on=day(2026, 4, 6))
    event_add(orders["S1"], S.PAID, "2026-04-01 10:00")
    shipment_add(orders["S1"], "2026-04-02 10:00", "2026-04-05 15:00")
    orders["S2"] = order_make(created="2026-04-02 09:00", status=S.DELIVERED, method=M.CHEQUE,
                              lines=[(variant, 1, "10.00")], promised_on=day(2026, 4, 8))
    event_add(orders["S2"], S.PAID, "2026-04-05 09:00")
    shipment_add(orders["S2"], "2026-04-06 15:00", "2026-04-08 23:30")
    orders["S3"] = order_make(created="2026-04-07 12:00", status=S.DELIVERED, method=M.ACCOUNT,
                              lines=[(variant, 1, "10.00")], promised_on=day(2026, 4, 9))
    shipment_add(orders["S3"], "2026-04-07 18:30", "2026-04-10 09:00")
    orders["S4"] = order_make(created="2026-04-08 08:00", status=S.SHIPPED, lines=[(variant, 2, "10.00")],
                              promised_on=day(2026, 4, 14))
    event_add(orders["S4"], S.PAID, "2026-04-08 08:30")
    shipment_add(orders["S4"], "2026-04-12 09:00")
    shipment_add(orders["S4"], "2026-04-09 14:30")
    orders["S5"] = order_make(created="2026-03-30 09:00", status=S.DELIVERED, lines=[(variant, 1, "10.00")],
                              promised_on=day(2026, 3, 31))
    event_add(orders["S5"], S.PAID, "2026-03-30 10:00")
    shipment_add(orders["S5"], "2026-03-31 10:00", "2026-03-31 16:00")
    orders["S6"] = order_make(created="2026-03-25 10:00", status=S.DELIVERED, method=M.CHEQUE,
                              lines=[(variant, 1, "10.00")], promised_on=day(2026, 3, 27))
    shipment_add(orders["S6"], "2026-03-26 12:00", "2026-03-30 10:00")
    orders["L1"] = order_make(created="2026-04-10 09:00", status=S.PAID, lines=[(variant, 2, "10.00")],
                              promised_on=day(2026, 4, 10), ships_by=day(2026, 4, 9))
    orders["L1"].lines.update(backordered=2)
    orders["L2"] = order_make(created="2026-04-08 09:00", status=S.RECEIVED, method=M.CHEQUE,
                              lines=[(variant, 1, "10.00")], promised_on=day(2026, 4, 11))
    orders["C1"] = order_make(created="2026-04-09 09:00", status=S.CANCELLED, lines=[(variant, 1, "10.00")],
                              promised_on=day(2026, 4, 12))
    orders["C1"].lines.update(backordered=1)
    orders["P1"] = order_make(created="2026-04-13 09:00", status=S.PAID, lines=[(variant, 1, "10.00")],
                              promised_on=day(2026, 4, 15), ships_by=day(2026, 4, 15))
    orders["L3"] = order_make(created="2026-03-01 09:00", status=S.PREPARING, lines=[(variant, 5, "10.00")])
    orders["L3"].lines.update(backordered=3)
    for number in range(1, 5):
        orders[f"Q{number}"] = order_make(created="2026-04-14 09:00", status=S.PAID, lines=[(variant, 1, "10.00")],
                                          ships_by=day(2026, 4, 16))
    orders["Q5"] = order_make(created="2026-04-14 10:00", status=S.PAID, lines=[(variant, 1, "10.00")],
                              ships_by=day(2026, 4, 17))
    orders["Q6"] = order_make(created="2026-04-14 11:00", status=S.RECEIVED, method=M.ACCOUNT,
                              lines=[(variant, 1, "10.00")], ships_by=day(2026, 4, 30))
    FulfilmentCapacity.objects.update_or_create(pk=1, defaults={"staff_hours_per_day": Decimal("1"),
                                                                "minutes_per_order": 20,
                                                                "working_days": "0,1,2,3,4"})
    Holiday.objects.get_or_create(date=day(2026, 4, 17), defaults={"name": "Test holiday"})
    from shipping.services.table import shipping_changed

    shipping_changed()
    return orders
