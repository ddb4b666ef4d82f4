"""The date range of a dashboard page, in shop days (America/Edmonton, settings.TIME_ZONE).

A period is a run of whole local days, both ends included. Its previous period is the same number of days just
before it ("this quarter so far", 40 days, is compared with the 40 days before). The points of a chart are days,
weeks (Monday to Sunday, as the databases' week truncation) or months, chosen from the length unless asked.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TODAY, DAYS_7, DAYS_30, QUARTER, YEAR, CUSTOM = "today", "7d", "30d", "quarter", "year", "custom"
PRESETS = [
    (TODAY, _("Today")),
    (DAYS_7, _("Last 7 days")),
    (DAYS_30, _("Last 30 days")),
    (QUARTER, _("This quarter")),
    (YEAR, _("This year")),
    (CUSTOM, _("Custom dates")),
]
DEFAULT_PRESET = DAYS_30

AUTO, DAY, WEEK, MONTH = "auto", "day", "week", "month"
GRANULARITIES = [(AUTO, _("Automatic")), (DAY, _("Day")), (WEEK, _("Week")), (MONTH, _("Month"))]
MAX_POINTS = 120  # a chart of more bars than this is unreadable: choose a coarser granularity
MAX_DAYS = 3660  # ten years


def shop_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def shop_today() -> datetime.date:
    return timezone.localdate(timezone.now(), shop_tz())


def day_start(day: datetime.date) -> datetime.datetime:
    """The aware moment a shop day begins (midnight in Edmonton, whatever the daylight-saving change)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=shop_tz())


def auto_granularity(days: int) -> str:
    if days <= 31:
        return DAY
    if days <= 190:
        return WEEK
    return MONTH


def bucket_start(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return day


def _next_bucket(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == WEEK:
        return day + datetime.timedelta(days=7)
    if granularity == MONTH:
        return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day + datetime.timedelta(days=1)


def points_count(start: datetime.date, end: datetime.date, granularity: str) -> int:
    return len(buckets(start, end, granularity))


def buckets(start: datetime.date, end: datetime.date, granularity: str) -> list[datetime.date]:
    """The first day of every day, week or month touching [start, end]."""
    day, result = bucket_start(start, granularity), []
    while day <= end:
        result.append(day)
        day = _next_bucket(day, granularity)
    return result


def preset_dates(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if preset == TODAY:
        return today, today
    if preset == DAYS_7:
        return today - datetime.timedelta(days=6), today
    if preset == QUARTER:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if preset == YEAR:
        return today.replace(month=1, day=1), today
    return today - datetime.timedelta(days=29), today  # DAYS_30, the default


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included
    preset: str = CUSTOM
    granularity: str = DAY

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime.datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the period (excluded bound)."""
        return day_start(self.end + datetime.timedelta(days=1))

    @property
    def previous(self) -> "Period":
        end = self.start - datetime.timedelta(days=1)
        return Period(start=end - datetime.timedelta(days=self.days - 1), end=end, preset=CUSTOM,
                      granularity=self.granularity)

    @property
    def buckets(self) -> list[datetime.date]:
        return buckets(self.start, self.end, self.granularity)

    def bucket_of(self, day: datetime.date) -> datetime.date:
        return bucket_start(day, self.granularity)


def period_default(today: datetime.date | None = None) -> Period:
    start, end = preset_dates(DEFAULT_PRESET, today or shop_today())
    return Period(start=start, end=end, preset=DEFAULT_PRESET, granularity=auto_granularity((end - start).days + 1))
