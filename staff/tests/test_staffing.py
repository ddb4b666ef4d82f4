"""The staffing figures (staff.selectors) on a fixed week, each worked out by hand below, to the hour and the cent.

The week: Monday 2 to Sunday 8 March 2026, in Calgary. Wednesday 4 is a holiday; the team works Monday to Friday,
8 staff hours a day at 12 minutes an order (40 orders a day).

Hourly costs: Pia $22.50 from 1 January, $24.75 from Thursday 5 March; Rob $19.99 from 1 March; Sam has none.

Hours logged in the week (and their cost):
    Pia  Mon  picking   7.50  × 22.50 = 168.75
    Pia  Tue  picking   8.25  × 22.50 = 185.625
    Pia  Thu  picking   6.00  × 24.75 = 148.50
    Pia  Fri  service   1.75  × 24.75 =  43.3125
    Rob  Mon  counter   4.00  × 19.99 =  79.96
    Rob  Tue  picking   3.33  × 19.99 =  66.5667
    Sam  Thu  picking   2.00  (no cost in effect: counted at nothing)
  = 32.83 hours (2.00 without a cost), $692.7142 -> $692.71
Outside the week: Rob on Sunday 1 March, Pia on Monday 9 March.

Orders shipped (first parcel left that day, Calgary time):
    O1 Mon 10:00 (its second parcel Thu: counted once, Monday), O2 Mon 23:30 (Tuesday 06:30 UTC: still Monday),
    O3 Tue 00:15, O4 Thu 12:00, O5 Sun 23:59 -> 5 orders: Mon 2, Tue 1, Thu 1, Sun 1.
    O6 first left Sun 1 March (its second parcel on Tuesday does not count it again), O7 left Mon 9 March 00:00:30.
Cost per order: 692.71 / 5 = 138.542 -> $138.54. Picking and packing only: 168.75 + 185.625 + 148.50 + 66.5667
= 569.4417 -> $569.44, / 5 = 113.888 -> $113.89.
"""

import datetime
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shipping.models import Carrier, FulfilmentCapacity, Holiday, Shipment
from staff import selectors
from staff.models import StaffCost, TimeEntry
from staff.tests.factories import delivery_methods, order_make

pytestmark = pytest.mark.django_db

CALGARY = ZoneInfo("America/Edmonton")
MON, SUN = date(2026, 3, 2), date(2026, 3, 8)
T = TimeEntry.Task


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, second, tzinfo=CALGARY)


@pytest.fixture
def week(django_user_model):
    pia = django_user_model.objects.create_user("pia", first_name="Pia", last_name="Lavoie", is_staff=True)
    rob = django_user_model.objects.create_user("rob", first_name="Rob", last_name="Singh", is_staff=True)
    sam = django_user_model.objects.create_user("sam", first_name="Sam", last_name="Roy", is_staff=True)
    StaffCost.objects.create(person=pia, effective_from=date(2026, 1, 1), hourly_cost=Decimal("22.50"))
    StaffCost.objects.create(person=pia, effective_from=date(2026, 3, 5), hourly_cost=Decimal("24.75"))
    StaffCost.objects.create(person=rob, effective_from=date(2026, 3, 1), hourly_cost=Decimal("19.99"))
    for person, day, task, hours in [
        (pia, 2, T.PICKING, "7.50"), (pia, 3, T.PICKING, "8.25"), (pia, 5, T.PICKING, "6.00"),
        (pia, 6, T.CUSTOMER_SERVICE, "1.75"), (rob, 2, T.COUNTER, "4.00"), (rob, 3, T.PICKING, "3.33"),
        (sam, 5, T.PICKING, "2.00"), (rob, 1, T.PICKING, "1.00"), (pia, 9, T.PICKING, "5.00"),
    ]:
        TimeEntry.objects.create(person=person, day=date(2026, 3, day), task=task, hours=Decimal(hours))

    FulfilmentCapacity.objects.update_or_create(pk=1, defaults={
        "staff_hours_per_day": Decimal("8"), "minutes_per_order": 12, "working_days": "0,1,2,3,4"})
    Holiday.objects.create(date=date(2026, 3, 4), name="A holiday")

    ship, _pickup = delivery_methods()
    carrier = Carrier.objects.create(code="post", name="Post")
    parcels = {"O1": [at(2, 10), at(5, 9)], "O2": [at(2, 23, 30)], "O3": [at(3, 0, 15)], "O4": [at(5, 12)],
               "O5": [at(8, 23, 59)], "O6": [at(1, 15), at(3, 11)], "O7": [at(9, 0, 0, 30)]}
    for number, times in parcels.items():
        order = order_make("shipped", ship, number=number)
        for n, shipped_at in enumerate(times):
            parcel = Shipment.objects.create(order=order, carrier=carrier, tracking_number=f"{number}P{n}")
            Shipment.objects.filter(pk=parcel.pk).update(shipped_at=shipped_at)
    return pia, rob, sam


def test_hours_by_task(week, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.hours_by_task(start=MON, end=SUN)

    assert [(row.task, row.label, row.hours) for row in rows] == [
        ("picking", "Picking and packing", Decimal("27.08")),  # 7.50 + 8.25 + 6.00 + 3.33 + 2.00
        ("counter", "Counter", Decimal("4.00")),
        ("service", "Customer service", Decimal("1.75")),
        ("other", "Other", Decimal("0.00")),
    ]


def test_hours_by_person(week, django_assert_num_queries):
    pia, rob, sam = week
    with django_assert_num_queries(2):
        rows = selectors.hours_by_person(start=MON, end=SUN)

    assert [(row.person_id, row.name, row.hours, row.by_task) for row in rows] == [
        (pia.pk, "Pia Lavoie", Decimal("23.50"), {"picking": Decimal("21.75"), "service": Decimal("1.75")}),
        (rob.pk, "Rob Singh", Decimal("7.33"), {"counter": Decimal("4.00"), "picking": Decimal("3.33")}),
        (sam.pk, "Sam Roy", Decimal("2.00"), {"picking": Decimal("2.00")}),
    ]


def test_orders_shipped_count_each_order_once_on_the_calgary_day_its_first_parcel_left(week):
    assert selectors.orders_shipped(start=MON, end=SUN) == 5
    assert selectors.orders_shipped_by_day(start=MON, end=SUN) == {
        date(2026, 3, 2): 2, date(2026, 3, 3): 1, date(2026, 3, 5): 1, date(2026, 3, 8): 1}
    assert selectors.orders_shipped(start=date(2026, 3, 9), end=date(2026, 3, 9)) == 1  # O7


def test_hours_against_orders_shipped(week, django_assert_num_queries):
    with django_assert_num_queries(2):
        figures = selectors.hours_against_orders(start=MON, end=SUN)

    assert figures == selectors.HoursAgainstOrders(
        hours=Decimal("32.83"), picking_hours=Decimal("27.08"), orders_shipped=5,
        hours_per_order=Decimal("6.57"),  # 32.83 / 5 = 6.566
        picking_minutes_per_order=Decimal("325.0"),  # 27.08 × 60 / 5 = 324.96
    )


def test_staffing_cost_per_order_to_the_cent(week, django_assert_num_queries):
    with django_assert_num_queries(2):
        cost = selectors.staffing_cost_per_order(start=MON, end=SUN)

    assert cost == selectors.StaffingCost(cost=Decimal("692.71"), hours=Decimal("32.83"),
                                          hours_without_cost=Decimal("2.00"), orders_shipped=5,
                                          per_order=Decimal("138.54"))


def test_staffing_cost_of_picking_and_packing_only(week):
    cost = selectors.staffing_cost_per_order(start=MON, end=SUN, tasks=[T.PICKING])

    assert (cost.cost, cost.hours, cost.hours_without_cost, cost.per_order) == (
        Decimal("569.44"), Decimal("27.08"), Decimal("2.00"), Decimal("113.89"))


def test_a_range_without_orders_has_no_cost_per_order(week):
    cost = selectors.staffing_cost_per_order(start=date(2026, 3, 1), end=date(2026, 3, 1))

    # Rob's hour on Sunday 1 March at $19.99; O6 left that day, so 1 order.
    assert (cost.cost, cost.orders_shipped, cost.per_order) == (Decimal("19.99"), 1, Decimal("19.99"))
    nothing = selectors.staffing_cost_per_order(start=date(2026, 2, 1), end=date(2026, 2, 2))
    assert (nothing.cost, nothing.orders_shipped, nothing.per_order) == (Decimal("0.00"), 0, None)


def test_capacity_planned_against_hours_worked(week, django_assert_num_queries):
    with django_assert_num_queries(4):
        plan = selectors.capacity_against_worked(start=MON, end=SUN)

    assert [(d.day.day, d.working, d.planned_hours, d.planned_orders, d.hours_worked, d.orders_shipped)
            for d in plan.days] == [
        (2, True, Decimal("8.00"), 40, Decimal("7.50"), 2),
        (3, True, Decimal("8.00"), 40, Decimal("11.58"), 1),  # Pia 8.25 + Rob 3.33
        (4, False, Decimal("0.00"), 0, Decimal("0.00"), 0),  # the holiday
        (5, True, Decimal("8.00"), 40, Decimal("8.00"), 1),  # Pia 6.00 + Sam 2.00
        (6, True, Decimal("8.00"), 40, Decimal("0.00"), 0),  # Pia's customer service is not fulfilment
        (7, False, Decimal("0.00"), 0, Decimal("0.00"), 0),
        (8, False, Decimal("0.00"), 0, Decimal("0.00"), 1),
    ]
    assert (plan.planned_hours, plan.hours_worked, plan.planned_orders, plan.orders_shipped) == (
        Decimal("32.00"), Decimal("27.08"), 160, 5)
    assert plan.planned_minutes_per_order == 12
    assert plan.worked_minutes_per_order == Decimal("325.0")
    assert plan.hours_share == Decimal("0.85")  # 27.08 / 32 = 0.84625
