"""Staffing figures (SPEC D5b) for the Managers' dashboard: hours logged, hours against orders shipped, the staffing
cost of an order shipped, and the fulfilment capacity planned against the hours worked.

Conventions, shared by every function here:
- A range is `start` to `end`, both included, in shop days (America/Edmonton, settings.TIME_ZONE), as the dashboards'
  periods are.
- Orders shipped: orders whose first parcel (shipping.Shipment) left in the range, on the Edmonton day it left. An
  order sent in two parcels counts once, on the day of its first; pickup orders count when handed over the same
  way. Read with one GROUP BY over the shipments of the range.
- Hours: sums of TimeEntry.hours in SQL; exact to the hundredth on both databases (SQLite sums them as floating
  point: each sum is rounded back to two places, which is exact for fewer than ~10^12 entries).
- Money: an hour costs the person's StaffCost in effect that day (their latest from on or before it). The cost is
  summed per (person, hourly cost) in SQL, multiplied in Python with Decimal (exact), then rounded half up to the
  cent; the cost per order is that total divided by the orders shipped, rounded half up to the cent. Hours without
  a cost in effect are reported apart (hours_without_cost) and count for nothing.
- Capacity: shipping.FulfilmentCapacity (one row, no history) says how many picking-and-packing hours a working day
  is staffed for and how many minutes an order takes; a day off (not a working weekday, or a Holiday) plans nothing.
  The current settings are applied to every day of the range. Planned is compared with the hours logged as
  "Picking and packing" and with the orders shipped, day by day; the other tasks (counter, customer service) are not
  fulfilment capacity.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate

from core.money import CENT, MoneyField
from shipping.models import FulfilmentCapacity, Holiday, Shipment

from .models import StaffCost, TimeEntry

ZERO_HOURS = Decimal("0.00")
HUNDREDTH = Decimal("0.01")


# --- helpers -----------------------------------------------------------------------------------------------------

def _shop_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_shop_tz())


def _hours(value) -> Decimal:
    """A sum of hours from either database (Decimal on Postgres, float on SQLite) to exactly two places."""
    if value is None:
        return ZERO_HOURS
    return Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _entries(start: datetime.date, end: datetime.date, tasks: Iterable[str] | None = None):
    rows = TimeEntry.objects.filter(day__gte=start, day__lte=end)
    if tasks is not None:
        rows = rows.filter(task__in=list(tasks))
    return rows.order_by()


def hourly_cost_in_effect() -> Subquery:
    """For a TimeEntry query: the person's hourly cost in effect on the entry's day (their latest StaffCost from on
    or before it), or NULL."""
    return Subquery(StaffCost.objects.filter(person=OuterRef("person"), effective_from__lte=OuterRef("day"))
                    .order_by("-effective_from").values("hourly_cost")[:1], output_field=MoneyField())


def _first_parcels(start: datetime.date, end: datetime.date):
    """Shipments of the range that are their order's first parcel (none before it, by time then id)."""
    earlier = Shipment.objects.filter(
        Q(shipped_at__lt=OuterRef("shipped_at")) | Q(shipped_at=OuterRef("shipped_at"), pk__lt=OuterRef("pk")),
        order=OuterRef("order"),
    )
    return (Shipment.objects.filter(shipped_at__gte=_day_start(start),
                                    shipped_at__lt=_day_start(end + datetime.timedelta(days=1)))
            .filter(~Exists(earlier)).order_by())


def orders_shipped_by_day(*, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """{day: orders whose first parcel left that day}, days without any left out. One query."""
    rows = (_first_parcels(start, end).annotate(shipped_on=TruncDate("shipped_at", tzinfo=_shop_tz()))
            .values("shipped_on").annotate(orders=Count("pk")))
    return {row["shipped_on"]: row["orders"] for row in rows}


def orders_shipped(*, start: datetime.date, end: datetime.date) -> int:
    """Orders whose first parcel left in the range. One query."""
    return _first_parcels(start, end).count()


# --- hours -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskHours:
    task: str  # TimeEntry.Task value
    label: str
    hours: Decimal


def hours_by_task(*, start: datetime.date, end: datetime.date) -> list[TaskHours]:
    """Hours logged per task in the range, every task listed (0.00 when none), in TimeEntry.Task's order. One
    query."""
    sums = {row["task"]: row["logged"] for row in _entries(start, end).values("task").annotate(logged=Sum("hours"))}
    return [TaskHours(task=task.value, label=str(task.label), hours=_hours(sums.get(task.value)))
            for task in TimeEntry.Task]


@dataclass(frozen=True)
class PersonHours:
    person_id: int
    name: str
    hours: Decimal
    by_task: dict[str, Decimal]  # TimeEntry.Task value -> hours, only the tasks with hours


def hours_by_person(*, start: datetime.date, end: datetime.date) -> list[PersonHours]:
    """Hours logged per person in the range (people with hours only), most hours first, then by name; each with its
    hours per task. Two queries."""
    by_person: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in _entries(start, end).values("person", "task").annotate(logged=Sum("hours")):
        by_person[row["person"]][row["task"]] = _hours(row["logged"])
    people = get_user_model().objects.in_bulk(list(by_person))
    result = [PersonHours(person_id=pk, name=people[pk].get_full_name() or people[pk].get_username(),
                          hours=sum(tasks.values(), ZERO_HOURS), by_task=tasks)
              for pk, tasks in by_person.items()]
    return sorted(result, key=lambda row: (-row.hours, row.name.lower(), row.person_id))


@dataclass(frozen=True)
class HoursAgainstOrders:
    hours: Decimal  # every task
    picking_hours: Decimal  # "Picking and packing" only
    orders_shipped: int
    hours_per_order: Decimal | None  # hours / orders shipped, to the hundredth; None without orders
    picking_minutes_per_order: Decimal | None  # picking hours × 60 / orders shipped, to the tenth of a minute


def hours_against_orders(*, start: datetime.date, end: datetime.date) -> HoursAgainstOrders:
    """The hours logged in the range against the orders shipped in it. Two queries."""
    totals = _entries(start, end).aggregate(
        logged=Sum("hours"), picking=Sum("hours", filter=Q(task=TimeEntry.Task.PICKING)))
    hours, picking = _hours(totals["logged"]), _hours(totals["picking"])
    shipped = orders_shipped(start=start, end=end)
    return HoursAgainstOrders(
        hours=hours, picking_hours=picking, orders_shipped=shipped,
        hours_per_order=(hours / shipped).quantize(HUNDREDTH, rounding=ROUND_HALF_UP) if shipped else None,
        picking_minutes_per_order=((picking * 60) / shipped).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if shipped else None,
    )


# --- money -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffingCost:
    cost: Decimal  # CAD, to the cent
    hours: Decimal  # hours counted (with or without a cost)
    hours_without_cost: Decimal  # hours of people with no hourly cost in effect that day: counted at nothing
    orders_shipped: int
    per_order: Decimal | None  # cost / orders shipped, to the cent; None without orders


def staffing_cost_per_order(*, start: datetime.date, end: datetime.date,
                            tasks: Iterable[str] | None = None) -> StaffingCost:
    """The staffing cost of the range (every task, or only `tasks`) and its cost per order shipped. Private to
    Managers: a page showing it must check the permission staff.view_staffcost. Two queries."""
    rows = (_entries(start, end, tasks).annotate(rate=hourly_cost_in_effect())
            .values("rate").annotate(logged=Sum("hours")))
    cost, hours, uncosted = Decimal("0"), ZERO_HOURS, ZERO_HOURS
    for row in rows:
        row_hours = _hours(row["logged"])
        hours += row_hours
        if row["rate"] is None:
            uncosted += row_hours
        else:
            cost += row_hours * row["rate"]
    cost = cost.quantize(CENT, rounding=ROUND_HALF_UP)
    shipped = orders_shipped(start=start, end=end)
    return StaffingCost(cost=cost, hours=hours, hours_without_cost=uncosted, orders_shipped=shipped,
                        per_order=(cost / shipped).quantize(CENT, rounding=ROUND_HALF_UP) if shipped else None)


# --- capacity ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CapacityDay:
    day: datetime.date
    working: bool
    planned_hours: Decimal  # FulfilmentCapacity.staff_hours_per_day on a working day, else 0
    planned_orders: int  # FulfilmentCapacity.orders_per_day on a working day, else 0
    hours_worked: Decimal  # "Picking and packing" hours logged that day
    orders_shipped: int


@dataclass(frozen=True)
class CapacityPlan:
    days: list[CapacityDay]
    planned_hours: Decimal
    hours_worked: Decimal
    planned_orders: int
    orders_shipped: int
    planned_minutes_per_order: int  # FulfilmentCapacity.minutes_per_order
    worked_minutes_per_order: Decimal | None  # hours worked × 60 / orders shipped, to the tenth; None without orders

    @property
    def hours_share(self) -> Decimal | None:
        """Hours worked as a share of the hours planned (1.00 = as planned), to the hundredth."""
        if not self.planned_hours:
            return None
        return (self.hours_worked / self.planned_hours).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def capacity_against_worked(*, start: datetime.date, end: datetime.date) -> CapacityPlan:
    """Day by day, the fulfilment capacity planned against the picking-and-packing hours logged and the orders
    shipped. Four queries (capacity, holidays, hours, shipments)."""
    capacity = FulfilmentCapacity.current()
    holidays = set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))
    worked = {row["day"]: _hours(row["logged"]) for row in
              _entries(start, end, [TimeEntry.Task.PICKING]).values("day").annotate(logged=Sum("hours"))}
    shipped = orders_shipped_by_day(start=start, end=end)
    weekdays, hours_per_day = capacity.weekdays, _hours(capacity.staff_hours_per_day)
    days = []
    for day in _days(start, end):
        working = day.weekday() in weekdays and day not in holidays
        days.append(CapacityDay(day=day, working=working, planned_hours=hours_per_day if working else ZERO_HOURS,
                                planned_orders=capacity.orders_per_day if working else 0,
                                hours_worked=worked.get(day, ZERO_HOURS), orders_shipped=shipped.get(day, 0)))
    hours_worked = sum((d.hours_worked for d in days), ZERO_HOURS)
    orders = sum(d.orders_shipped for d in days)
    return CapacityPlan(
        days=days, planned_hours=sum((d.planned_hours for d in days), ZERO_HOURS), hours_worked=hours_worked,
        planned_orders=sum(d.planned_orders for d in days), orders_shipped=orders,
        planned_minutes_per_order=capacity.minutes_per_order,
        worked_minutes_per_order=((hours_worked * 60) / orders).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if orders else None,
    )
