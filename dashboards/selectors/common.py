"""What every dashboard page is made of: headline figures compared with the previous period, and sections of a chart
and a table."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from ..charts import BarChart
from ..periods import DAY, MONTH, Period
from ..tables import Table

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Figure:
    """A headline number; `previous` is the same figure over the previous period (None: not compared)."""

    label: str
    value: object
    kind: str  # a tables kind: int, money, hours, percent
    previous: object = None
    note: str = ""

    @property
    def compared(self) -> bool:
        return self.previous is not None and self.value is not None

    @property
    def change(self):
        """The difference with the previous period, in the figure's unit."""
        return self.value - self.previous if self.compared else None

    @property
    def change_percent(self) -> Decimal | None:
        """The relative change in %, one decimal; None when the previous figure is zero (no meaningful ratio)."""
        if not self.compared or not self.previous:
            return None
        return (Decimal(self.value - self.previous) * 100 / Decimal(self.previous)).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class Section:
    slug: str
    title: str
    table: Table
    chart: BarChart | None = None
    intro: str = ""


@dataclass
class Report:
    period: Period
    figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def table(self, slug: str) -> Table | None:
        return next((s.table for s in self.sections if s.table.slug == slug), None)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def average(amount: Decimal | None, count: int) -> Decimal:
    """An average amount to the cent, rounded half up."""
    return (Decimal(amount or 0) / count).quantize(CENT, ROUND_HALF_UP) if count else ZERO


def bucket_label(day, granularity: str) -> str:
    if granularity == MONTH:
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    if granularity == DAY:
        return formats.date_format(day, "MONTH_DAY_FORMAT")
    return _("Week of %(day)s") % {"day": formats.date_format(day, "MONTH_DAY_FORMAT")}


def local_date(value, tz):
    """A truncation's result as a date: a date stays, an aware datetime becomes its day in the shop's time zone."""
    if hasattr(value, "hour"):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    return value
