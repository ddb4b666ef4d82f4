"""Fulfilment (D2): how long orders wait to ship, promises kept or broken, backorders, and the days ahead.

Definitions, as the page states them:
- **Time to ship** of an order: from when it could be prepared to its first parcel handed to a carrier
  (Shipment.shipped_at). A card order can be prepared once its card payment is confirmed (its first "paid" timeline
  event); a cheque or on-account order from when it was placed (the issue's rule: the team does not wait for the
  cheque's clearing to count). Orders count in the period their first parcel left.
- **Median and 90th percentile**: percentiles with linear interpolation between the two closest ranks, as
  PostgreSQL's percentile_cont and spreadsheets' PERCENTILE.INC: for n waits sorted v[0] … v[n-1], the p-th is at
  position p × (n - 1), between v[floor] and v[ceil]. Computed in SQL on both databases, in one statement for the
  period and the previous one: each order's wait once (GROUP BY order), then per period the count, the histogram and
  the waits ranked floor + 1 and floor + 2 (window functions), the only rows returned: the same figures on SQLite and
  PostgreSQL, and no column of 100,000 waits brought into Python.
- **A promise** is the delivery date the customer was given (Order.promised_on). It is *due* once that shop day is
  over; it is *kept* when the order is delivered (every parcel) on or before it, the delivery day being the shop day
  of the last parcel's delivery (Shipment.delivered_at, "Mark delivered"). Cancelled and expired orders, and orders
  still waiting for the customer's payment (card or cheque not received), are left out: the wait is theirs.
- **Late now**: not shipped yet and the promised date is past (orders.Order.objects.late(), as in the admin).
- **Backorders**: order lines still waiting for stock on orders that will ship (orders.services.backorders), aged
  from the day the order was placed.
- **The days ahead**: the orders the team can prepare now (paid or being prepared, or on account), by the day they
  are due to leave (Order.ships_by; earlier or unknown: the first day), against the capacity set in the admin
  (orders per working day), on the next five working days of the shipping calendar (weekdays, holidays); what a day
  cannot take is carried to the next.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Trunc, TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import Order
from orders.services.backorders import backorders_waiting
from shipping.models import Shipment
from shipping.services.promise import calendar_current
from shipping.services.table import shipping_table

from .. import charts
from .. import tables as t
from ..periods import Period, day_start, shop_today, shop_tz
from .common import Figure, Report, Section, bucket_label, local_date, percent

S = Order.Status
TENTH = Decimal("0.1")
MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
WAIT_BUCKETS = [  # (label, from hours, to hours; None: no bound)
    (gettext_lazy("< 24 h"), 0, 24), (gettext_lazy("24–48 h"), 24, 48), (gettext_lazy("48–72 h"), 48, 72),
    (gettext_lazy("3–5 d"), 72, 120), (gettext_lazy("> 5 d"), 120, None),
]
BACKORDER_AGES = [("0–7", 0, 7), ("8–14", 8, 14), ("15–30", 15, 30), ("31+", 31, None)]  # days
PERCENTILES = (Decimal("0.5"), Decimal("0.9"))  # the median and the 90th percentile
LATE_LISTED = 20
BACKORDERS_LISTED = 10
DAYS_AHEAD = 5


class _OverRows(ExpressionWrapper):
    """An expression of window functions over a grouped query. SQL computes windows after GROUP BY, so it must stay
    out of the GROUP BY clause, where Django puts any expression without an aggregate."""

    def get_group_by_cols(self):
        return []


class _WindowSum(Func):
    """SUM() OVER an expression of aggregates (Django's Sum refuses an aggregate inside)."""

    function = "SUM"
    window_compatible = True
    output_field = IntegerField()


def _shipped_between(start: datetime.datetime, end: datetime.datetime, *, since: datetime.datetime):
    """Orders whose first parcel left in [start, end), each with `wait` (the time to ship, a duration) and `current`
    (1 when that parcel left on or after `since`, else 0). One row per order (GROUP BY order): its first parcel and
    its first "paid" event are each a MIN() over a join, computed once however often `wait` is used."""
    paid = Min("paid_events__created_at")
    ready = Case(When(payment_method=Order.PaymentMethod.CARD, then=Coalesce(paid, F("created_at"))),
                 default=F("created_at"), output_field=DateTimeField())
    return (Order.objects.filter(pk__in=Shipment.objects.filter(shipped_at__gte=start, shipped_at__lt=end)
                                 .values("order_id"))
            .alias(paid_events=FilteredRelation("events", condition=Q(events__status=S.PAID)))
            .annotate(first_shipped=Min("shipments__shipped_at"))
            .filter(first_shipped__gte=start, first_shipped__lt=end)
            .annotate(wait=ExpressionWrapper(F("first_shipped") - ready, output_field=DurationField()),
                      current=Case(When(first_shipped__gte=since, then=Value(1)), default=Value(0))))


def _hours(value: datetime.timedelta) -> Decimal:
    micro = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    return Decimal(micro) / MICROSECONDS_PER_HOUR


def _low_rank(p: Decimal):
    """floor(p × (n - 1)) in SQL, n being the period's count: integer division, the same on both databases."""
    fraction = Fraction(p)
    return (F("n") - 1) * fraction.numerator / fraction.denominator


def wait_percentile(around: dict[int, datetime.timedelta], count: int, p: Decimal) -> Decimal | None:
    """The p-th percentile (0 ≤ p ≤ 1) of the waits, in hours to one decimal (see the module docstring); `around`
    holds the waits by rank (0 first) that the percentile needs."""
    if not count:
        return None
    position = p * (count - 1)
    low = math.floor(position)
    if low + 1 not in around:
        return _hours(around[low]).quantize(TENTH, ROUND_HALF_UP)
    first, second = _hours(around[low]), _hours(around[low + 1])
    return (first + (second - first) * (position - low)).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class Waits:
    count: int
    median: Decimal | None
    p90: Decimal | None
    histogram: list[int]  # orders per WAIT_BUCKETS


def _wait_condition(low: int, high: int | None) -> Q:
    condition = Q(wait__gte=datetime.timedelta(hours=low))
    if high is not None:
        condition &= Q(wait__lt=datetime.timedelta(hours=high))
    return condition


def waits_compared(period: Period) -> tuple[Waits, Waits]:
    """The waits of the period and of the previous one, in one statement: each order's wait once (grouped), then per
    period (a window partition) the count, the histogram, and only the rows around the median and the 90th
    percentile's positions (ranked by wait), so a handful of rows come back whatever the number of orders."""
    part = [F("current")]
    windows = {"rank": Window(RowNumber(), partition_by=part, order_by=[F("wait").asc(), F("pk").asc()]),
               "n": Window(Count("pk"), partition_by=part)}
    for number, (_label, low, high) in enumerate(WAIT_BUCKETS):
        windows[f"w{number}"] = Window(_WindowSum(Case(When(_wait_condition(low, high), then=Value(1)),
                                                       default=Value(0))), partition_by=part)
    around = Q()
    for p in PERCENTILES:
        around |= Q(rank=_low_rank(p) + 1) | Q(rank=_low_rank(p) + 2)
    rows = (_shipped_between(period.previous.since, period.until, since=period.since).annotate(**windows)
            .annotate(around=_OverRows(Case(When(around, then=Value(True)), default=Value(False)),
                                       output_field=BooleanField()))
            .filter(around=True).order_by().values("current", "rank", "wait", *windows))
    found = {0: {}, 1: {}}
    for row in rows:
        found[row["current"]][row["rank"] - 1] = row
    result = []
    for current in (1, 0):
        ranked = found[current]
        if not ranked:
            result.append(Waits(count=0, median=None, p90=None, histogram=[0] * len(WAIT_BUCKETS)))
            continue
        row = next(iter(ranked.values()))
        count = row["n"]
        waits = {rank: r["wait"] for rank, r in ranked.items()}
        result.append(Waits(count=count, median=wait_percentile(waits, count, PERCENTILES[0]),
                            p90=wait_percentile(waits, count, PERCENTILES[1]),
                            histogram=[row[f"w{number}"] for number in range(len(WAIT_BUCKETS))]))
    return result[0], result[1]


def _wait_histogram(waits: Waits) -> Section:
    rows = [(str(label), found) for (label, _low, _high), found in zip(WAIT_BUCKETS, waits.histogram, strict=True)]
    table = t.Table(slug="time-to-ship", caption=_("Orders shipped in the period, by time to ship"),
                    columns=[t.Column(_("Time to ship")), t.Column(_("Orders"), t.INT)], rows=rows)
    chart = charts.bar_chart(chart_id="chart-wait", title=_("Orders by time to ship"),
                             description=_("How many orders shipped within each time after they could be prepared."),
                             categories=[r[0] for r in rows], series=[charts.Series(_("Orders"), [r[1] for r in rows])])
    return Section(slug="time-to-ship", title=_("Time to ship"), table=table, chart=chart)


def _promises_due(first: datetime.date, last: datetime.date):
    """Orders whose promised day, from `first` to `last`, is over, each with `delivered_on` (shop day or None)."""
    last_delivery = Subquery(Shipment.objects.filter(order=OuterRef("pk"), delivered_at__isnull=False)
                             .order_by("-delivered_at").values("delivered_at")[:1])
    last = min(last, shop_today() - datetime.timedelta(days=1))
    return (Order.objects.exclude(status__in=(S.CANCELLED, S.EXPIRED))
            .exclude(Q(status=S.RECEIVED) & ~Q(payment_method=Order.PaymentMethod.ACCOUNT))
            .filter(promised_on__gte=first, promised_on__lte=last)
            .annotate(delivered_on=TruncDate(last_delivery, tzinfo=shop_tz())))


# The status first: the last delivery (a subquery) is only looked up for delivered orders.
KEPT = Q(status=S.DELIVERED) & Q(delivered_on__lte=F("promised_on"))


def _promises(period: Period) -> tuple[Section, dict]:
    """The promises due in the period, by bucket, and the totals of the previous period: one statement grouped by
    bucket and period, so each order's last delivery is looked up once."""
    totals = dict.fromkeys(("due", "kept", "due_before", "kept_before"), 0)
    rows_found = {}
    found = (_promises_due(period.previous.start, period.end)
             .annotate(bucket=Trunc("promised_on", period.granularity),
                       current=Case(When(promised_on__gte=period.start, then=Value(1)), default=Value(0)))
             .values("bucket", "current").annotate(due=Count("pk"), kept=Count("pk", filter=KEPT)).order_by())
    for row in found:
        if row["current"]:
            rows_found[local_date(row["bucket"], shop_tz())] = row
            totals["due"] += row["due"]
            totals["kept"] += row["kept"]
        else:
            totals["due_before"] += row["due"]
            totals["kept_before"] += row["kept"]
    rows, labels = [], []
    for day in period.buckets:
        row = rows_found.get(day, {})
        due, kept = row.get("due", 0), row.get("kept", 0)
        rows.append((day, due, kept, due - kept, percent(kept, due)))
        labels.append(bucket_label(day, period.granularity))
    unit = {"day": _("Promised for"), "week": _("Promised in the week of"),
            "month": _("Promised in")}[period.granularity]
    table = t.Table(slug="promises", caption=_("Delivery promises due in the period, kept or broken"),
                    columns=[t.Column(unit, t.DATE), t.Column(_("Promises due"), t.INT), t.Column(_("Kept"), t.INT),
                             t.Column(_("Late"), t.INT), t.Column(_("Kept (%)"), t.PERCENT)], rows=rows,
                    note=_("A promise is due once its day is over; it is kept when every parcel was delivered on "
                           "or before the promised day. Cancelled orders and orders waiting for the customer's "
                           "payment are left out."))
    chart = charts.bar_chart(chart_id="chart-promises", title=_("Delivery promises kept and late"),
                             description=_("For each day, week or month of the period: promised deliveries kept "
                                           "and late."),
                             categories=labels, series=[charts.Series(_("Kept"), [r[2] for r in rows]),
                                                        charts.Series(_("Late"), [r[3] for r in rows])])
    return Section(slug="promises", title=_("Promises kept"), table=table, chart=chart), totals


def _late_now(today: datetime.date) -> tuple[Section, int]:
    late = Order.objects.late(today)
    count = late.count()
    rows, links = [], []
    for order in late.order_by("promised_on", "pk").only("pk", "number", "status", "promised_on")[:LATE_LISTED]:
        rows.append((order.number, order.get_status_display(), order.promised_on, (today - order.promised_on).days))
        links.append(reverse("admin:orders_order_change", args=[order.pk]))
    table = t.Table(slug="late", caption=_("Orders late today, the longest overdue first (at most %(count)d)")
                    % {"count": LATE_LISTED},
                    columns=[t.Column(_("Order")), t.Column(_("Status")), t.Column(_("Promised for"), t.DATE),
                             t.Column(_("Days late"), t.INT)], rows=rows, links=links)
    return Section(slug="late", title=_("Late now"), table=table,
                   intro=_("Not shipped yet and past the delivery date promised to the customer.")), count


def _backorders(today: datetime.date) -> tuple[list[Section], dict]:
    lines = backorders_waiting()
    aggregates = {}
    for number, (_label, low, high) in enumerate(BACKORDER_AGES):
        condition = Q(order__created_at__lt=day_start(today - datetime.timedelta(days=low - 1)))
        if high is not None:
            condition &= Q(order__created_at__gte=day_start(today - datetime.timedelta(days=high)))
        aggregates[f"lines_{number}"] = Count("pk", filter=condition)
        aggregates[f"units_{number}"] = Sum("backordered", filter=condition)
        aggregates[f"orders_{number}"] = Count("order", filter=condition, distinct=True)
    aggregates.update(lines=Count("pk"), units=Sum("backordered"), orders=Count("order", distinct=True))
    found = lines.aggregate(**aggregates)
    rows = [(_("%(range)s days") % {"range": label}, found[f"orders_{number}"], found[f"lines_{number}"],
             found[f"units_{number}"] or 0) for number, (label, _low, _high) in enumerate(BACKORDER_AGES)]
    rows.append((_("Total"), found["orders"], found["lines"], found["units"] or 0))
    table = t.Table(slug="backorders", caption=_("Backorders waiting for stock, by age"),
                    columns=[t.Column(_("Waiting for")), t.Column(_("Orders"), t.INT),
                             t.Column(_("Lines"), t.INT), t.Column(_("Units"), t.INT)], rows=rows,
                    note=_("Age counts from the day the order was placed."))
    chart = charts.bar_chart(chart_id="chart-backorders", title=_("Backordered units by age"),
                             description=_("Units waiting for stock, by how many days ago they were ordered."),
                             categories=[r[0] for r in rows[:-1]],
                             series=[charts.Series(_("Units"), [r[3] for r in rows[:-1]])])
    oldest_rows, oldest_links = [], []
    oldest = (lines.select_related(None).order_by("order__created_at", "pk")
              .values("order_id", "order__number", "order__created_at", "sku", "name", "backordered")
              [:BACKORDERS_LISTED])
    for line in oldest:
        placed = local_date(line["order__created_at"], shop_tz())
        oldest_rows.append((line["order__number"], line["sku"], line["name"], line["backordered"],
                            (today - placed).days))
        oldest_links.append(reverse("admin:orders_order_change", args=[line["order_id"]]))
    oldest_table = t.Table(slug="backorders-oldest",
                           caption=_("The oldest backorders (at most %(count)d)") % {"count": BACKORDERS_LISTED},
                           columns=[t.Column(_("Order")), t.Column(_("SKU")), t.Column(_("Product")),
                                    t.Column(_("Units"), t.INT), t.Column(_("Days waiting"), t.INT)],
                           rows=oldest_rows, links=oldest_links)
    return [Section(slug="backorders", title=_("Backorders"), table=table, chart=chart),
            Section(slug="backorders-oldest", title=_("Oldest backorders"), table=oldest_table)], found


def _days_ahead(today: datetime.date) -> Section:
    capacity = shipping_table().capacity
    calendar = calendar_current(capacity=capacity)
    days = [calendar.add_working_days(today, number) for number in range(DAYS_AHEAD)]
    ready = (Order.objects.filter(Q(status__in=(S.PAID, S.PREPARING))
                                  | Q(status=S.RECEIVED, payment_method=Order.PaymentMethod.ACCOUNT))
             .values("ships_by").annotate(orders=Count("pk")).order_by())
    planned, later = dict.fromkeys(days, 0), 0
    for row in ready:
        ships_by = row["ships_by"]
        day = days[0] if ships_by is None else next((d for d in days if d >= ships_by), None)
        if day is None:
            later += row["orders"]
        else:
            planned[day] += row["orders"]
    per_day = capacity.orders_per_day
    rows, carried = [], 0
    for day in days:
        load = planned[day] + carried
        carried = max(0, load - per_day)
        rows.append((day, planned[day], per_day, carried))
    table = t.Table(slug="days-ahead", caption=_("Orders to ship on the next %(count)d working days, against "
                                                 "capacity") % {"count": DAYS_AHEAD},
                    columns=[t.Column(_("Working day"), t.DATE), t.Column(_("Orders due to ship"), t.INT),
                             t.Column(_("Capacity (orders)"), t.INT), t.Column(_("Carried to the next day"), t.INT)],
                    rows=rows,
                    note=_("Orders ready to prepare by the day they must leave (overdue ones on the first day), "
                           "against the team's capacity (staff hours × 60 ÷ minutes per order). %(later)d more "
                           "are due later.") % {"later": later})
    labels = [bucket_label(day, "day") for day in days]
    chart = charts.bar_chart(chart_id="chart-days-ahead", title=_("Orders due to ship against capacity"),
                             description=_("Orders due to ship on each of the next working days, and how many the "
                                           "team can prepare a day."),
                             categories=labels, series=[charts.Series(_("Orders due to ship"), [r[1] for r in rows]),
                                                        charts.Series(_("Capacity"), [r[2] for r in rows])])
    return Section(slug="days-ahead", title=_("The days ahead"), table=table, chart=chart)


def fulfilment_report(*, period: Period) -> Report:
    today = shop_today()
    now, before = waits_compared(period)
    promises, kept = _promises(period)
    late, late_count = _late_now(today)
    backorder_sections, backorders = _backorders(today)
    report = Report(period=period)
    report.figures = [
        Figure(_("Orders shipped"), now.count, t.INT, before.count),
        Figure(_("Median time to ship (hours)"), now.median, t.HOURS, before.median),
        Figure(_("90th percentile time to ship (hours)"), now.p90, t.HOURS, before.p90),
        Figure(_("Promises kept"), percent(kept["kept"], kept["due"]), t.PERCENT,
               percent(kept["kept_before"], kept["due_before"])),
        Figure(_("Late now"), late_count, t.INT),
        Figure(_("Backordered units waiting"), backorders["units"] or 0, t.INT),
    ]
    report.sections = [_wait_histogram(now), promises, late, *backorder_sections, _days_ahead(today)]
    return report
