"""The promised delivery date: when the parcel can leave, then when the carrier brings it.

    ships_on  = the first working day the order can be packed — today if it is a working day and the order comes
                before the cut-off time, else the next working day; not before a backordered item's restock date —
                pushed by the queue: the orders already waiting fill whole days at the team's capacity
                (staff hours per day × 60 / minutes per order);
    arrives_on = ships_on + the carrier's transit days, counted in working days (no weekends, no holidays).

Pure functions of their inputs (no clock, no database) so every rule is unit-tested; `promise_context` gathers the
inputs from the database for pages, at `promise_clock()`: now, or the shop time SHOP_PROMISE_NOW fixes (demos, tests).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from orders.models import DeliveryMethod, Order

from ..models import FulfilmentCapacity
from .table import ShippingTable, shipping_table


@dataclass(frozen=True)
class Calendar:
    weekdays: frozenset[int]
    holidays: frozenset[date]

    def is_working(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def next_working(self, day: date) -> date:
        """The first working day on or after `day`."""
        for _ in range(400):
            if self.is_working(day):
                return day
            day += timedelta(days=1)
        raise ValueError("No working day within 400 days: check the working days and holidays.")

    def add_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (0: `day` itself if working, else the next)."""
        day = self.next_working(day)
        for _ in range(count):
            day = self.next_working(day + timedelta(days=1))
        return day


@dataclass(frozen=True)
class Promise:
    ships_on: date
    arrives_on: date


def ship_date(*, now: datetime, calendar: Calendar, cutoff, orders_per_day: int, queue: int,
              ready_on: date | None = None) -> date:
    """When the order leaves: see the module docstring. `queue` counts the orders already waiting to ship."""
    local = timezone.localtime(now)
    today = local.date()
    first = today if calendar.is_working(today) and local.time() <= cutoff else today + timedelta(days=1)
    if ready_on is not None and ready_on > first:
        first = ready_on
    return calendar.add_working_days(first, queue // max(1, orders_per_day))


def promise_for(*, now: datetime, calendar: Calendar, cutoff, orders_per_day: int, queue: int, transit_days: int,
                ready_on: date | None = None) -> Promise:
    ships_on = ship_date(now=now, calendar=calendar, cutoff=cutoff, orders_per_day=orders_per_day, queue=queue,
                         ready_on=ready_on)
    return Promise(ships_on=ships_on, arrives_on=calendar.add_working_days(ships_on, transit_days))


def promise_clock() -> datetime:
    """The time promises are made at: now, unless SHOP_PROMISE_NOW names a moment (ISO 8601; without an offset, in
    the shop's time zone) — for demos and tests that must show the same dates whatever the day."""
    fixed = settings.SHOP_PROMISE_NOW
    if not fixed:
        return timezone.now()
    moment = datetime.fromisoformat(fixed)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def promise_period() -> str:
    """The hour a cached page's delivery promise was written for: pages showing one are rebuilt every hour, so a
    cut-off on the hour is never missed; the queue's effect is at most the page cache's lifetime late."""
    return timezone.localtime(promise_clock()).strftime("%Y-%m-%d-%H")


# From the database


def calendar_current(*, capacity: FulfilmentCapacity | None = None) -> Calendar:
    table = shipping_table()
    return Calendar(weekdays=frozenset((capacity or table.capacity).weekdays), holidays=table.holidays)


QUEUE_CACHE_KEY = "shipping:orders-waiting"
QUEUE_CACHE_SECONDS = 30


def orders_waiting() -> int:
    """Orders the team still has to pack and ship: placed, not shipped, not cancelled, to be delivered. Counted at
    most every QUEUE_CACHE_SECONDS (shared by every worker through the cache): the queue moves the promised date
    by whole days of the team's capacity, so half a minute of orders never matters, and the count grows with the
    order table."""
    try:
        queue = cache.get(QUEUE_CACHE_KEY)
    except Exception:  # the cache is best effort
        queue = None
    if queue is None:
        queue = Order.objects.filter(
            status__in=(Order.Status.RECEIVED, Order.Status.PAID, Order.Status.PREPARING),
            delivery_method__kind=DeliveryMethod.Kind.SHIP,
        ).count()
        try:
            cache.set(QUEUE_CACHE_KEY, queue, timeout=QUEUE_CACHE_SECONDS)
        except Exception:
            pass
    return queue


@dataclass(frozen=True)
class PromiseContext:
    """What every promise computed in one request shares: read once."""

    now: datetime
    calendar: Calendar
    cutoff: object
    orders_per_day: int
    queue: int
    table: ShippingTable  # the shipping set-up the promises and prices of this request are computed from

    def promise(self, *, transit_days: int, ready_on: date | None = None) -> Promise:
        return promise_for(now=self.now, calendar=self.calendar, cutoff=self.cutoff,
                           orders_per_day=self.orders_per_day, queue=self.queue, transit_days=transit_days,
                           ready_on=ready_on)


def promise_context(*, now: datetime | None = None) -> PromiseContext:
    table = shipping_table()
    capacity = table.capacity
    return PromiseContext(now=now or promise_clock(),
                          calendar=Calendar(weekdays=frozenset(capacity.weekdays), holidays=table.holidays),
                          cutoff=capacity.cutoff, orders_per_day=capacity.orders_per_day, queue=orders_waiting(),
                          table=table)
