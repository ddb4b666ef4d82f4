"""Customers (D4) and what goes wrong for them (R7), from crm.selectors_dashboard.

What the figures mean, as the page states them:
- A **customer** is a customer contact of the CRM; an order is theirs when placed with their account or sent to their
  email. Only orders that brought money in count (not cancelled or expired, received net of refunds), on the shop day
  they were placed: the nightly scores' definitions (crm.services.scoring), so the page and the scores agree.
- **New** customers placed their first such order ever in the period; **returning** ones had ordered before it.
- **The 80/20 curve** of the period: customers sorted by the money they brought in, biggest first, against the
  cumulative share of the period's revenue; the marked point is the fewest customers who make 80 % of it.
- **Tiers** and **customers being lost** come from the nightly scores (all of a customer's orders, as of last night).
- **Segment sizes** count the contacts each segment targets today, consent applied.
- **Problems**: late deliveries, returns and questions open now; failed card payments in the period.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from core.money import money
from crm.models import CustomerScore
from crm.selectors_dashboard import (
    customer_problems,
    customer_tiers,
    customers_churn,
    customers_new_and_returning_periods,
    customers_pareto_curve,
    segment_sizes,
)
from orders.models import Order
from payments.models import Payment
from returns.models import ReturnRequest

from .. import charts
from .. import tables as t
from ..periods import Period, shop_today
from .common import Figure, Report, Section

CHURN_LISTED = 20
LATE_LISTED = 20
# Each segment's size is one or two queries of its own (crm.services.segments): the page lists the first few by
# name, within its budget of queries; the admin's segment list has them all.
SEGMENTS_LISTED = 4


def _new_and_returning(period: Period) -> tuple[Section, list[Figure]]:
    now, before = customers_new_and_returning_periods(start=period.start, end=period.end,
                                                      previous_start=period.previous.start)
    rows = [(_("New customers"), now.new, before.new, now.revenue_new, before.revenue_new),
            (_("Returning customers"), now.returning, before.returning, now.revenue_returning,
             before.revenue_returning),
            (_("Total"), now.customers, before.customers, now.revenue_new + now.revenue_returning,
             before.revenue_new + before.revenue_returning)]
    table = t.Table(slug="new-returning", caption=_("New and returning customers, this period and the previous one"),
                    columns=[t.Column(_("Customers")), t.Column(_("This period"), t.INT),
                             t.Column(_("Previous period"), t.INT), t.Column(_("Revenue (CAD)"), t.MONEY),
                             t.Column(_("Revenue, previous period (CAD)"), t.MONEY)], rows=rows,
                    note=_("New: their first order ever was placed in the period (two orders in it still make one "
                           "new customer). Returning: they had ordered before. Revenue: what their orders of the "
                           "period brought in, taxes included, net of refunds."))
    chart = charts.bar_chart(chart_id="chart-new-returning", title=_("New and returning customers"),
                             description=_("Customers who ordered in the period and in the previous one, new and "
                                           "returning."),
                             categories=[r[0] for r in rows[:2]],
                             series=[charts.Series(_("This period"), [r[1] for r in rows[:2]]),
                                     charts.Series(_("Previous period"), [r[2] for r in rows[:2]])])
    figures = [
        Figure(_("Customers who ordered"), now.customers, t.INT, before.customers),
        Figure(_("New customers"), now.new, t.INT, before.new),
        Figure(_("Returning customers"), now.returning, t.INT, before.returning),
        Figure(_("Share of new customers"), now.share_new if now.customers else None, t.PERCENT,
               before.share_new if before.customers else None),
    ]
    return Section(slug="new-returning", title=_("New and returning"), table=table, chart=chart), figures


def _pareto(period: Period) -> tuple[Section, object]:
    curve = customers_pareto_curve(start=period.start, end=period.end)
    rows = [(p.customers, p.share_of_customers, p.share_of_revenue) for p in curve.points]
    words = {"customers": curve.customers_80, "total": curve.customers_total,
             "share": curve.share_of_customers_80, "revenue": money(curve.revenue_80),
             "revenue_share": curve.share_of_revenue_80}
    if curve.customers_total:
        summary = _("%(customers)d customers of %(total)d (%(share)s %%) brought in %(revenue)s, %(revenue_share)s %% "
                    "of the period's revenue.") % words
    else:
        summary = _("No customer brought in money in this period.")
    mark = None
    if curve.customers_80:
        mark = (curve.share_of_customers_80, curve.share_of_revenue_80,
                _("%(share)s %% of customers: %(revenue_share)s %% of revenue") % words)
    chart = charts.line_chart(
        chart_id="chart-pareto", title=_("The 80/20 curve"),
        description=_("Cumulative share of the period's revenue against the cumulative share of customers, the "
                      "biggest first.") + " " + summary,
        points=[(p.share_of_customers, p.share_of_revenue,
                 _("%(customers)s %% of customers: %(revenue)s %% of revenue")
                 % {"customers": p.share_of_customers, "revenue": p.share_of_revenue}) for p in curve.points],
        x_top=100, y_top=100, x_title=_("Customers, biggest first (%)"), y_title=_("Revenue (%)"),
        formatter=lambda value: f"{value} %", mark=mark, diagonal=True)
    table = t.Table(slug="pareto", caption=_("The 80/20 curve: the biggest customers' cumulative share of revenue"),
                    columns=[t.Column(_("Customers, biggest first"), t.INT), t.Column(_("Share of customers (%)"),
                                                                                        t.PERCENT),
                             t.Column(_("Share of revenue (%)"), t.PERCENT)], rows=rows,
                    note=summary + " " + _("The curve is drawn through at most 40 evenly spaced customers and the "
                                           "one where 80 % is reached; the dashed line is every customer equal."))
    return Section(slug="pareto", title=_("The 80/20 curve"), table=table, chart=chart, intro=summary), curve


def _tiers() -> Section:
    tiers = customer_tiers()
    contacts = reverse("admin:crm_contact_changelist")
    table = t.Table(slug="tiers", caption=_("Customers by tier, from last night's scores"),
                    columns=[t.Column(_("Tier")), t.Column(_("Customers"), t.INT),
                             t.Column(_("Revenue, all their orders (CAD)"), t.MONEY),
                             t.Column(_("About to be lost"), t.INT)],
                    rows=[(tier.label, tier.customers, tier.revenue, tier.churn_risk) for tier in tiers],
                    links=[f"{contacts}?{urlencode({'tier': tier.tier})}" for tier in tiers],
                    note=_("Top customers together make 80 % of the revenue of all their orders; regular ones "
                           "ordered three times or more; the others are occasional. Computed every night."))
    chart = charts.bar_chart(chart_id="chart-tiers", title=_("Customers by tier"),
                             description=_("How many customers each tier holds."),
                             categories=[tier.label for tier in tiers],
                             series=[charts.Series(_("Customers"), [tier.customers for tier in tiers])])
    return Section(slug="tiers", title=_("Tiers"), table=table, chart=chart)


def _churn(today) -> tuple[Section, int]:
    churn = customers_churn(limit=CHURN_LISTED, today=today)
    tiers = dict(CustomerScore.Tier.choices)
    table = t.Table(
        slug="churn",
        caption=_("Good customers being lost: %(count)d (the most valuable first, at most %(listed)d)")
        % {"count": churn.count, "listed": CHURN_LISTED},
        columns=[t.Column(_("Customer")), t.Column(_("Email")), t.Column(_("Tier")), t.Column(_("Orders"), t.INT),
                 t.Column(_("Revenue (CAD)"), t.MONEY), t.Column(_("Last order"), t.DATE), t.Column(_("Why"))],
        rows=[(r.name or r.email, r.email, str(tiers.get(r.tier, r.tier)), r.orders, r.revenue, r.last_order_on,
               r.reason) for r in churn.rows],
        links=[reverse("admin:crm_contact_change", args=[r.contact_id]) for r in churn.rows],
        note=_("Customers with three orders or more at a regular interval who have been silent for much longer "
               "than usual (the nightly scores)."))
    return Section(slug="churn", title=_("Customers being lost"), table=table), churn.count


def _segments() -> Section:
    sizes = segment_sizes(limit=SEGMENTS_LISTED, on=shop_today())
    table = t.Table(slug="segments",
                    caption=_("Segment sizes today, consent applied (the first %(count)d by name)")
                    % {"count": SEGMENTS_LISTED},
                    columns=[t.Column(_("Segment")), t.Column(_("For")), t.Column(_("Contacts targeted"), t.INT)],
                    rows=[(s.name, s.purpose, s.size) for s in sizes],
                    links=[reverse("admin:crm_segment_change", args=[s.segment_id]) for s in sizes],
                    note=_("Only contacts whose consent for the segment's purpose counts today are targeted. "
                           "Every segment is in the admin's segment list."))
    return Section(slug="segments", title=_("Segments"), table=table)


def _problems(period: Period, today) -> tuple[list[Section], object]:
    problems = customer_problems(start=period.start, end=period.end, today=today, limit=LATE_LISTED)
    orders = reverse("admin:orders_order_changelist")
    rows = [
        (_("Late deliveries, not shipped yet"), problems.late_not_shipped, f"{orders}?late=yes"),
        (_("Late deliveries, on their way"), problems.late_in_transit,
         f"{orders}?{urlencode({'status__exact': Order.Status.SHIPPED, 'promised_on__lt': today.isoformat()})}"),
        (_("Returns open"), problems.open_returns,
         reverse("admin:returns_returnrequest_changelist") + "?" + urlencode({"status__in": ",".join(
             [ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED, ReturnRequest.Status.RECEIVED])})),
        (_("Questions waiting for an answer"), problems.unanswered_questions, ""),
        (_("Failed payment attempts in the period"), problems.failed_payments,
         reverse("admin:payments_payment_changelist") + "?" + urlencode({
             "status__exact": Payment.Status.FAILED, "updated_at__gte": period.since.isoformat(),
             "updated_at__lt": period.until.isoformat()})),
        (_("Orders with a failed payment in the period, still unpaid"), problems.failed_unpaid_orders, ""),
    ]
    table = t.Table(slug="problems", caption=_("Customer problems"),
                    columns=[t.Column(_("Problem")), t.Column(_("Count"), t.INT)],
                    rows=[(label, count) for label, count, _url in rows], links=[url for _l, _c, url in rows],
                    note=_("Late: the delivery date promised to the customer has passed (not shipped, or shipped "
                           "and not marked delivered), today. Returns: requested, approved or received, not refunded "
                           "or refused yet. Questions: customer questions and calls logged in the CRM still waiting "
                           "for us (contact pages in the admin). Failed payments: card attempts that failed in the "
                           "period."))
    late = t.Table(slug="late-deliveries",
                   caption=_("Late deliveries, the longest overdue first (at most %(listed)d)")
                   % {"listed": LATE_LISTED},
                   columns=[t.Column(_("Order")), t.Column(_("Email")), t.Column(_("Status")),
                            t.Column(_("Promised for"), t.DATE), t.Column(_("Days late"), t.INT)],
                   rows=[(o.number, o.email, o.status_label, o.promised_on, o.days_late) for o in problems.late],
                   links=[reverse("admin:orders_order_change", args=[o.order_id]) for o in problems.late])
    return [Section(slug="problems", title=_("Customer problems"), table=table),
            Section(slug="late-deliveries", title=_("Late deliveries"), table=late)], problems


def customers_report(*, period: Period) -> Report:
    today = shop_today()
    new_returning, figures = _new_and_returning(period)
    pareto, curve = _pareto(period)
    churn, churn_count = _churn(today)
    problem_sections, problems = _problems(period, today)
    report = Report(period=period)
    report.figures = [
        *figures,
        Figure(_("Share of customers making 80 % of revenue"),
               curve.share_of_customers_80 if curve.customers_total else None, t.PERCENT),
        Figure(_("Good customers being lost"), churn_count, t.INT),
        Figure(_("Late deliveries"), problems.late_deliveries, t.INT),
        Figure(_("Returns open"), problems.open_returns, t.INT),
        Figure(_("Failed payment attempts"), problems.failed_payments, t.INT),
    ]
    report.sections = [new_returning, pareto, _tiers(), churn, _segments(), *problem_sections]
    return report
