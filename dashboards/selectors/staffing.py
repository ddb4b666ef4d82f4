"""Staffing (D5b): hours logged by task and by person, hours against orders shipped, the staffing cost of an order
shipped, and the fulfilment capacity planned against the hours worked.

The figures are staff.selectors' (read their module docstring for the definitions: orders shipped count on the day
their first parcel left; an hour costs the person's hourly cost in effect that day; hours without a cost count for
nothing and are shown apart). This module lays them out as a page and adds the cost per task and per person, summed
the same way (hours × the cost in effect, exact in Decimal, rounded half up to the cent once per row).

Hours are shown with their two decimals (t.DECIMAL): a quarter hour is 0.25, not "0.3 h".

Hourly costs and everything made from them are shown only to a reader holding COSTS_PERMISSION (Managers and
superusers today): `costs=False` leaves them out of the figures, the tables and so the CSV files.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from core.money import CENT
from staff import selectors as staffing
from staff.models import TimeEntry

from .. import charts
from .. import tables as t
from ..periods import DAY, MONTH, Period
from .common import Figure, Report, Section, bucket_label, percent

COSTS_PERMISSION = "staff.view_staffcost"
NO_HOURS = Decimal("0.00")


def hours_text(value) -> str:
    """7.5 -> "7.5 h" ("7,5 h" in French): the charts' axis and hover text."""
    return _("%(hours)s h") % {"hours": formats.number_format(value, use_l10n=True)}


def _exact_hours(value) -> Decimal:
    """A SQL sum of hours (float on SQLite) to exactly two places, as staff.selectors reads them."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _per_order(cost: Decimal, orders: int) -> Decimal | None:
    return (cost / orders).quantize(CENT, rounding=ROUND_HALF_UP) if orders else None


def timesheet_url(*, start: datetime.date, end: datetime.date, person_id: int | None = None) -> str:
    """The admin's timesheet list for these days (both included), of one person or of everyone."""
    params = {"day__gte": start.isoformat(), "day__lt": (end + datetime.timedelta(days=1)).isoformat()}
    if person_id is not None:
        params["person__id__exact"] = person_id
    return f"{reverse('admin:staff_timeentry_changelist')}?{urlencode(params)}"


@dataclass
class Costs:
    """The cost of the hours logged in a range by task and by person (see the module docstring). Exact sums; each
    is rounded to the cent when shown."""

    by_task: dict[str, Decimal]
    by_person: dict[int, Decimal]
    uncosted_by_task: dict[str, Decimal]
    uncosted_by_person: dict[int, Decimal]


def costs_by_task_and_person(*, start: datetime.date, end: datetime.date) -> Costs:
    """One query: the hours of the range per (person, task, hourly cost in effect), multiplied in Python."""
    costs = Costs(defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal))
    rows = (TimeEntry.objects.filter(day__gte=start, day__lte=end).order_by()
            .annotate(rate=staffing.hourly_cost_in_effect())
            .values("person", "task", "rate").annotate(logged=Sum("hours")))
    for row in rows:
        hours = _exact_hours(row["logged"])
        if row["rate"] is None:
            costs.uncosted_by_task[row["task"]] += hours
            costs.uncosted_by_person[row["person"]] += hours
        else:
            costs.by_task[row["task"]] += hours * row["rate"]
            costs.by_person[row["person"]] += hours * row["rate"]
    return costs


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _sum_days(days, start: datetime.date, end: datetime.date) -> dict:
    """Planned and worked picking hours over the capacity days from start to end."""
    chosen = [d for d in days if start <= d.day <= end]
    return {"planned": sum((d.planned_hours for d in chosen), NO_HOURS),
            "worked": sum((d.hours_worked for d in chosen), NO_HOURS)}


def _hours_by_task(period: Period, now, before) -> Section:
    previous = {row.task: row.hours for row in before}
    total = sum((row.hours for row in now), NO_HOURS)
    rows = [(row.label, row.hours, previous.get(row.task, NO_HOURS), percent(row.hours, total)) for row in now]
    rows.append((_("Total"), total, sum(previous.values(), NO_HOURS), percent(total, total)))
    table = t.Table(slug="hours-by-task", caption=_("Hours logged by task"),
                    columns=[t.Column(_("Task")), t.Column(_("Hours"), t.DECIMAL),
                             t.Column(_("Hours, previous period"), t.DECIMAL),
                             t.Column(_("Share of the hours (%)"), t.PERCENT)], rows=rows)
    chart = charts.bar_chart(chart_id="chart-hours-by-task", title=_("Hours logged by task"),
                             description=_("Hours logged at each task, this period and the previous one."),
                             categories=[r[0] for r in rows[:-1]],
                             series=[charts.Series(_("This period"), [r[1] for r in rows[:-1]]),
                                     charts.Series(_("Previous period"), [r[2] for r in rows[:-1]])],
                             formatter=hours_text)
    return Section(slug="hours-by-task", title=_("Hours by task"), table=table, chart=chart)


def _hours_by_person(period: Period, people, costs: Costs | None) -> Section:
    tasks = list(TimeEntry.Task)
    columns = [t.Column(_("Person")), *[t.Column(str(task.label), t.DECIMAL) for task in tasks],
               t.Column(_("Total hours"), t.DECIMAL)]
    if costs is not None:
        columns += [t.Column(_("Cost (CAD)"), t.MONEY), t.Column(_("Hours without a cost"), t.DECIMAL)]
    rows, links = [], []
    for person in people:
        row = [person.name, *[person.by_task.get(task.value, NO_HOURS) for task in tasks], person.hours]
        if costs is not None:
            row += [_cents(costs.by_person.get(person.person_id, 0)),
                    costs.uncosted_by_person.get(person.person_id, NO_HOURS)]
        rows.append(tuple(row))
        links.append(timesheet_url(start=period.start, end=period.end, person_id=person.person_id))
    table = t.Table(slug="hours-by-person", caption=_("Hours logged by person and task"), columns=columns,
                    rows=rows, links=links,
                    note=_("The people who logged hours in the period, most hours first. A name opens their "
                           "timesheet for these days."))
    return Section(slug="hours-by-person", title=_("Hours by person"), table=table)


def _cost_per_order(total: staffing.StaffingCost, costs: Costs, tasks_now) -> Section:
    shipped = total.orders_shipped
    rows = []
    for row in tasks_now:
        cost = _cents(costs.by_task.get(row.task, 0))
        rows.append((row.label, row.hours, costs.uncosted_by_task.get(row.task, NO_HOURS), cost,
                     _per_order(cost, shipped)))
    rows.append((_("All tasks"), total.hours, total.hours_without_cost, total.cost, total.per_order))
    if total.hours_without_cost:
        note = _("%(hours)s hours were logged by people with no hourly cost in effect on that day: they count for "
                 "nothing above, so the real cost is higher. Give them an hourly cost to count them.") % {
            "hours": formats.number_format(total.hours_without_cost, use_l10n=True)}
    else:
        note = _("Every hour logged in the period has an hourly cost in effect.")
    table = t.Table(slug="cost-per-order",
                    caption=_("Staffing cost by task, and per order shipped (%(orders)d orders)")
                    % {"orders": shipped},
                    columns=[t.Column(_("Task")), t.Column(_("Hours"), t.DECIMAL),
                             t.Column(_("Hours without a cost"), t.DECIMAL), t.Column(_("Cost (CAD)"), t.MONEY),
                             t.Column(_("Cost per order shipped (CAD)"), t.MONEY)],
                    rows=rows, note=note)
    return Section(slug="cost-per-order", title=_("Staffing cost per order"), table=table,
                   intro=_("Each hour costs the person's hourly cost in effect that day; a task's cost is divided "
                           "by every order shipped in the period. Costs are private to Managers."))


def _capacity(period: Period, plan: staffing.CapacityPlan) -> Section:
    found: dict[datetime.date, dict] = {}
    for day in plan.days:
        if day.day < period.start:
            continue
        bucket = found.setdefault(period.bucket_of(day.day), {"working": 0, "planned": NO_HOURS,
                                                              "worked": NO_HOURS, "orders_planned": 0,
                                                              "shipped": 0})
        bucket["working"] += 1 if day.working else 0
        bucket["planned"] += day.planned_hours
        bucket["worked"] += day.hours_worked
        bucket["orders_planned"] += day.planned_orders
        bucket["shipped"] += day.orders_shipped
    rows, labels = [], []
    for start in period.buckets:
        b = found.get(start)
        if b is None:
            continue
        rows.append((start, b["working"], b["planned"], b["worked"], b["worked"] - b["planned"],
                     b["orders_planned"], b["shipped"]))
        labels.append(bucket_label(start, period.granularity))
    unit = {DAY: _("Day"), MONTH: _("Month")}.get(period.granularity, _("Week starting"))
    table = t.Table(slug="capacity", caption=_("Picking and packing: hours planned and worked, by %(unit)s")
                    % {"unit": unit.lower()},
                    columns=[t.Column(unit, t.DATE), t.Column(_("Working days"), t.INT),
                             t.Column(_("Hours planned"), t.DECIMAL), t.Column(_("Hours worked"), t.DECIMAL),
                             t.Column(_("Worked less planned"), t.DECIMAL), t.Column(_("Orders planned"), t.INT),
                             t.Column(_("Orders shipped"), t.INT)],
                    rows=rows,
                    note=_("Planned: the staff hours and orders a working day is set up for in the shipping "
                           "capacity (today's settings, applied to every day; nothing on days off and holidays). "
                           "Worked: the hours logged as picking and packing. %(minutes)d minutes an order are "
                           "planned.") % {"minutes": plan.planned_minutes_per_order})
    chart = charts.bar_chart(chart_id="chart-capacity", title=_("Picking and packing hours, planned and worked"),
                             description=_("For each day, week or month of the period: the hours planned and the "
                                           "hours worked at picking and packing."),
                             categories=labels, series=[charts.Series(_("Planned"), [r[2] for r in rows]),
                                                        charts.Series(_("Worked"), [r[3] for r in rows])],
                             formatter=hours_text)
    return Section(slug="capacity", title=_("Capacity planned and hours worked"), table=table, chart=chart)


def staffing_report(*, period: Period, costs: bool) -> Report:
    """The Staffing page. `costs`: whether the reader may see hourly costs (COSTS_PERMISSION), checked by the
    caller; without it nothing computed from a cost is read or returned."""
    previous = period.previous
    tasks_now = staffing.hours_by_task(start=period.start, end=period.end)
    tasks_before = staffing.hours_by_task(start=previous.start, end=previous.end)
    against_now = staffing.hours_against_orders(start=period.start, end=period.end)
    against_before = staffing.hours_against_orders(start=previous.start, end=previous.end)
    # Both periods in one read of the calendar, split by day below.
    plan = staffing.capacity_against_worked(start=previous.start, end=period.end)
    capacity_now = _sum_days(plan.days, period.start, period.end)
    capacity_before = _sum_days(plan.days, previous.start, previous.end)
    people = staffing.hours_by_person(start=period.start, end=period.end)

    report = Report(period=period)
    report.figures = [
        Figure(_("Hours logged"), against_now.hours, t.DECIMAL, against_before.hours),
        Figure(_("Picking and packing hours"), against_now.picking_hours, t.DECIMAL, against_before.picking_hours),
        Figure(_("Orders shipped"), against_now.orders_shipped, t.INT, against_before.orders_shipped),
        Figure(_("Hours per order shipped"), against_now.hours_per_order, t.DECIMAL, against_before.hours_per_order),
        Figure(_("Picking and packing minutes per order shipped"), against_now.picking_minutes_per_order, t.DECIMAL,
               against_before.picking_minutes_per_order),
        Figure(_("Picking and packing hours planned"), capacity_now["planned"], t.DECIMAL,
               capacity_before["planned"]),
        Figure(_("Hours worked against planned (%)"), percent(capacity_now["worked"], capacity_now["planned"]),
               t.PERCENT, percent(capacity_before["worked"], capacity_before["planned"])),
    ]
    cost_section, breakdown = None, None
    if costs:
        cost_now = staffing.staffing_cost_per_order(start=period.start, end=period.end)
        cost_before = staffing.staffing_cost_per_order(start=previous.start, end=previous.end)
        breakdown = costs_by_task_and_person(start=period.start, end=period.end)
        report.figures += [
            Figure(_("Staffing cost"), cost_now.cost, t.MONEY, cost_before.cost),
            Figure(_("Staffing cost per order shipped"), cost_now.per_order, t.MONEY, cost_before.per_order),
            Figure(_("Hours without an hourly cost"), cost_now.hours_without_cost, t.DECIMAL,
                   cost_before.hours_without_cost),
        ]
        cost_section = _cost_per_order(cost_now, breakdown, tasks_now)
    report.sections = [_hours_by_task(period, tasks_now, tasks_before), _hours_by_person(period, people, breakdown)]
    if cost_section is not None:
        report.sections.append(cost_section)
    report.sections.append(_capacity(period, plan))
    return report

