"""The promised date: stock or backorder, the queue against the team's capacity, weekends and holidays, and the
cut-off time. Pure functions: each case states its clock and calendar."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from shipping.services.promise import Calendar, promise_context, promise_for, ship_date

CALGARY = ZoneInfo("America/Edmonton")
WEEK = Calendar(weekdays=frozenset({0, 1, 2, 3, 4}), holidays=frozenset())
CHRISTMAS = Calendar(weekdays=frozenset({0, 1, 2, 3, 4}),
                     holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)}))
CUTOFF = time(14, 0)


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=CALGARY)


def ships(now, *, calendar=WEEK, queue=0, per_day=40, ready_on=None):
    return ship_date(now=now, calendar=calendar, cutoff=CUTOFF, orders_per_day=per_day, queue=queue,
                     ready_on=ready_on)


@pytest.mark.parametrize("clock, expected", [
    ("09:00", date(2026, 11, 24)),  # Tuesday morning: packed today
    ("14:00", date(2026, 11, 24)),  # at the cut-off itself: still today
    ("14:01", date(2026, 11, 25)),  # a minute late: tomorrow
    ("23:59", date(2026, 11, 25)),
])
def test_the_cut_off_time_decides_between_today_and_the_next_working_day(clock, expected):
    assert ships(at("2026-11-24", clock)) == expected


def test_the_cut_off_is_read_in_the_shops_time_zone_not_utc():
    utc_evening = datetime(2026, 11, 24, 20, 30, tzinfo=ZoneInfo("UTC"))  # 13:30 in Calgary: before the cut-off
    assert ships(utc_evening) == date(2026, 11, 24)


@pytest.mark.parametrize("day, clock, expected", [
    ("2026-11-27", "15:00", date(2026, 11, 30)),  # Friday after the cut-off: Monday
    ("2026-11-28", "10:00", date(2026, 11, 30)),  # Saturday: Monday
    ("2026-11-29", "10:00", date(2026, 11, 30)),  # Sunday: Monday
])
def test_weekends_are_skipped(day, clock, expected):
    assert ships(at(day, clock)) == expected


def test_holidays_are_skipped_both_for_packing_and_for_the_carrier():
    promise = promise_for(now=at("2026-12-24", "15:00"), calendar=CHRISTMAS, cutoff=CUTOFF, orders_per_day=40,
                          queue=0, transit_days=3)

    # Thursday 24 after the cut-off; Friday 25 and Monday 28 are holidays, the weekend in between.
    assert promise.ships_on == date(2026, 12, 29)
    # Transit: Wednesday 30, Thursday 31, then Friday 1 January is a holiday and the weekend: Monday 4.
    assert promise.arrives_on == date(2027, 1, 4)


@pytest.mark.parametrize("queue, expected", [
    (0, date(2026, 11, 24)),
    (39, date(2026, 11, 24)),  # the 40th order of the day still fits (8 h × 60 / 12 min = 40)
    (40, date(2026, 11, 25)),  # a full day is waiting: tomorrow
    (85, date(2026, 11, 26)),  # two full days waiting
    (200, date(2026, 12, 1)),  # five days: Wednesday 25 … Monday 30 skips the weekend, then Tuesday 1 December
])
def test_a_full_queue_pushes_the_date_by_whole_days_of_capacity(queue, expected):
    assert ships(at("2026-11-24", "09:00"), queue=queue) == expected


def test_fewer_staff_hours_push_the_same_queue_further():
    now = at("2026-11-24", "09:00")

    assert ships(now, queue=30, per_day=40) == date(2026, 11, 24)
    assert ships(now, queue=30, per_day=10) == date(2026, 11, 27)


def test_an_item_in_stock_ships_now_and_a_backordered_one_when_the_restock_arrives():
    now = at("2026-11-24", "09:00")

    in_stock = promise_for(now=now, calendar=WEEK, cutoff=CUTOFF, orders_per_day=40, queue=0, transit_days=2)
    backorder = promise_for(now=now, calendar=WEEK, cutoff=CUTOFF, orders_per_day=40, queue=0, transit_days=2,
                            ready_on=date(2026, 12, 5))  # a Saturday

    assert (in_stock.ships_on, in_stock.arrives_on) == (date(2026, 11, 24), date(2026, 11, 26))
    assert (backorder.ships_on, backorder.arrives_on) == (date(2026, 12, 7), date(2026, 12, 9))


def test_a_restock_date_already_past_changes_nothing():
    now = at("2026-11-24", "09:00")

    assert ships(now, ready_on=date(2026, 11, 1)) == date(2026, 11, 24)


@pytest.mark.django_db
def test_a_promise_time_fixed_for_a_demo_is_read_in_the_shops_time_zone(settings):
    settings.SHOP_PROMISE_NOW = "2026-11-27T15:00"  # Friday, an hour past the cut-off in Calgary (22:00 UTC)

    context = promise_context()

    assert context.now == at("2026-11-27", "15:00")
    assert context.promise(transit_days=1).ships_on == date(2026, 11, 30)  # Monday
