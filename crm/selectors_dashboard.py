"""Reads for the customers dashboard (D4) and the customer problems (R7).

Customers and their money are counted exactly as the nightly scores count them (crm.services.scoring): only orders
that brought money in (revenue_orders: not cancelled or expired, received net of refunds, at most what is asked
for), on the Edmonton day they were placed, each belonging to the customer contact (not erased) whose account
placed it, or else whose email it was sent to in any letter case. An order no customer contact matches is left
out, as in the scores.

The scores walk every order in Python once a night; a dashboard page cannot. Here the database groups the orders by
(account, email) first, one row per customer rather than per order, looks up one contact per group (through the
user_id unique index and contact_customer_email_lower) and sums per contact: one statement whatever the number of
orders, returning a handful of rows.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.money import amount_from_cents
from orders.models import OPEN_TO_SHIP, Order
from payments.models import Invoice, Payment
from returns.models import ReturnRequest

from .models import Contact, CustomerScore, Interaction, Segment
from .services.scoring import NOT_REVENUE, TOP_SHARE, _revenue_expression, revenue_orders
from .services.segments import segment_size

ZERO = Decimal("0.00")
CURVE_POINTS = 40  # points of the 80/20 curve, whatever the number of customers


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end] as Edmonton days, both included, as aware datetimes [from, until)."""
    return _local_midnight(start), _local_midnight(end + datetime.timedelta(days=1))


def _percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# The contact of an (account, email) group of orders: the account's contact, else the oldest contact of the email in
# any letter case (as in the scores), joined once (hash joins) instead of looked up once per group.
_CONTACT_JOINS = (
    "LEFT JOIN (SELECT c.user_id, c.id FROM {contact} c WHERE c.user_id IS NOT NULL AND {alive}) u "
    "ON u.user_id = g.user_id "
    "LEFT JOIN (SELECT LOWER(c.email) AS email, MIN(c.id) AS id FROM {contact} c WHERE {alive} "
    "GROUP BY LOWER(c.email)) m ON m.email = LOWER(g.email)"
)


def _per_customer_sql(*, start: datetime.date, end: datetime.date, all_before: bool) -> tuple[str, list]:
    """SQL of one row per customer contact (and one with contact_id NULL for the orders of no contact):
    contact_id, orders_in_range, cents_in_range (money of the revenue orders placed from `start` to `end`) and
    orders_before (revenue orders placed before `start`, counted only with `all_before`: otherwise the earlier
    orders are not read at all)."""
    since, until = _bounds(start, end)
    in_range = Q(created_at__gte=since, created_at__lt=until)
    orders = revenue_orders().filter(created_at__lt=until)
    if not all_before:
        orders = orders.filter(created_at__gte=since)
    # Grouped by the email as typed: lower-casing ~100,000 emails costs more than grouping them; the few rows per
    # customer left are lower-cased below.
    groups = (orders.order_by().values("user_id", "email")
              .annotate(orders_in_range=Count("pk", filter=in_range),
                        cents_in_range=Sum(_revenue_expression(), filter=in_range),
                        orders_before=Count("pk", filter=Q(created_at__lt=since))))
    return _per_contact_sql(groups, ["orders_in_range", "cents_in_range", "orders_before"])


def _per_contact_sql(groups, sums: list[str]) -> tuple[str, list]:
    """SQL and params of one row per contact: contact_id and the `sums` of `groups`, revenue orders grouped by
    (account, email) and annotated with those names. Each group's contact through _CONTACT_JOINS (at 100,000 orders,
    joining the contacts once took about a third less time than one indexed lookup per group). Orders of no contact
    make one row, contact_id NULL, which callers skip with a condition on the sums."""
    groups_sql, groups_params = groups.query.sql_with_params()
    contact = connection.ops.quote_name(Contact._meta.db_table)
    joins = _CONTACT_JOINS.format(contact=contact, alive="c.kind = %s AND c.erased_at IS NULL")
    totals = ", ".join(f"COALESCE(SUM(k.{name}), 0) AS {name}" for name in sums)
    columns = ", ".join(f"g.{name}" for name in sums)
    sql = (f"SELECT k.contact_id, {totals} FROM (SELECT COALESCE(u.id, m.id) AS contact_id, {columns} "
           f"FROM ({groups_sql}) g {joins}) k GROUP BY k.contact_id")
    return sql, [*groups_params, Contact.Kind.CUSTOMER, Contact.Kind.CUSTOMER]


@dataclass(frozen=True)
class NewReturning:
    new: int  # customers whose first revenue order ever was placed in the range
    returning: int  # customers who ordered in the range and had ordered before it
    revenue_new: Decimal
    revenue_returning: Decimal

    @property
    def customers(self) -> int:
        return self.new + self.returning

    @property
    def share_new(self) -> Decimal:
        """% of the range's customers who are new, one decimal."""
        return _percent(self.new, self.customers)


def customers_new_and_returning(*, start: datetime.date, end: datetime.date) -> NewReturning:
    """Customers who placed a revenue order from `start` to `end` (Edmonton days, both included), split into new
    ones (no revenue order placed before `start`: their first is in the range, so two orders in the range still make
    one new customer) and returning ones (at least one revenue order placed before `start`), with the money their
    orders of the range brought in. Orders placed after `end` play no part. A guest is the customer contact of the
    order's email, so a guest who later opened an account is one customer, not two. One query."""
    sql, params = _per_customer_sql(start=start, end=end, all_before=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(CASE WHEN orders_before = 0 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN orders_before > 0 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN orders_before = 0 THEN cents_in_range ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN orders_before > 0 THEN cents_in_range ELSE 0 END), 0) "
            f"FROM ({sql}) p WHERE orders_in_range * (CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END) > 0", params)
        new, returning, cents_new, cents_returning = cursor.fetchone()
    return NewReturning(new=int(new), returning=int(returning), revenue_new=amount_from_cents(cents_new),
                        revenue_returning=amount_from_cents(cents_returning))


def customers_new_and_returning_periods(*, start: datetime.date, end: datetime.date,
                                        previous_start: datetime.date) -> tuple[NewReturning, NewReturning]:
    """customers_new_and_returning of the range `start`-`end` and of the one just before it (`previous_start` to
    the day before `start`), as (range, previous), in one pass over the orders: each range alone reads every order
    placed before its end, and the dashboard compares the two. Same definitions, same figures. One query."""
    since, until = _bounds(start, end)
    previous_since = _local_midnight(previous_start)
    now = Q(created_at__gte=since, created_at__lt=until)
    previous = Q(created_at__gte=previous_since, created_at__lt=since)
    groups = (revenue_orders().filter(created_at__lt=until).order_by().values("user_id", "email")
              .annotate(now_orders=Count("pk", filter=now), now_cents=Sum(_revenue_expression(), filter=now),
                        previous_orders=Count("pk", filter=previous),
                        previous_cents=Sum(_revenue_expression(), filter=previous),
                        earlier_orders=Count("pk", filter=Q(created_at__lt=previous_since))))
    per_customer, params = _per_contact_sql(
        groups, ["now_orders", "now_cents", "previous_orders", "previous_cents", "earlier_orders"])
    known = "(CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END)"
    # In the range: new when nothing before `start` (neither the previous range nor earlier); in the previous
    # range: new when nothing before `previous_start`.
    cases = {
        "now_new": ("now_orders", "previous_orders + earlier_orders = 0", "now_cents"),
        "now_returning": ("now_orders", "previous_orders + earlier_orders > 0", "now_cents"),
        "previous_new": ("previous_orders", "earlier_orders = 0", "previous_cents"),
        "previous_returning": ("previous_orders", "earlier_orders > 0", "previous_cents"),
    }
    columns = []
    for ordered, condition, cents in cases.values():
        when = f"{ordered} * {known} > 0 AND {condition}"
        columns += [f"COALESCE(SUM(CASE WHEN {when} THEN 1 ELSE 0 END), 0)",
                    f"COALESCE(SUM(CASE WHEN {when} THEN {cents} ELSE 0 END), 0)"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM ({per_customer}) p", params)
        found = cursor.fetchone()

    def figures(offset: int) -> NewReturning:
        new, cents_new, returning, cents_returning = found[offset:offset + 4]
        return NewReturning(new=int(new), returning=int(returning), revenue_new=amount_from_cents(cents_new),
                            revenue_returning=amount_from_cents(cents_returning))

    return figures(0), figures(4)


@dataclass(frozen=True)
class CurvePoint:
    customers: int  # the first this many customers, biggest first…
    share_of_customers: Decimal  # …are this % of the customers (one decimal)…
    share_of_revenue: Decimal  # …and made this % of the revenue (one decimal)


@dataclass
class ParetoCurve:
    customers_total: int
    revenue_total: Decimal
    customers_80: int  # the fewest customers, biggest first, whose revenue reaches 80 %
    share_of_customers_80: Decimal  # what % of the customers they are (one decimal): "20 % make 80 %"
    revenue_80: Decimal  # what they actually made
    points: list[CurvePoint]  # from (0, 0) to (100, 100), at most CURVE_POINTS + 2 points, the 80 % one included

    @property
    def share_of_revenue_80(self) -> Decimal:
        return _percent(self.revenue_80, self.revenue_total)


def customers_pareto_curve(*, start: datetime.date, end: datetime.date, points: int = CURVE_POINTS) -> ParetoCurve:
    """The 80/20 curve of the revenue orders placed from `start` to `end` (Edmonton days, both included): customers
    sorted by the money they brought in, biggest first (equal amounts: the older contact first, as the scores'
    tiers), against the cumulative share of revenue. The database ranks and sums (window functions) and returns only
    about `points` evenly spaced points and the one where 80 % is reached: one query. customers_80 is the number
    the 80/20 report (crm.services.scoring.pareto_report) gives for the same orders."""
    sql, params = _per_customer_sql(start=start, end=end, all_before=False)
    top = int(TOP_SHARE)
    ranked = (
        "SELECT contact_id, cents_in_range AS cents, "
        "ROW_NUMBER() OVER (ORDER BY cents_in_range DESC, contact_id) AS rn, "
        "SUM(cents_in_range) OVER (ORDER BY cents_in_range DESC, contact_id "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum, "
        "COUNT(*) OVER () AS n, SUM(cents_in_range) OVER () AS total "
        f"FROM ({sql}) p WHERE cents_in_range * (CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END) > 0"
    )
    # The row where the cumulative revenue first reaches TOP_SHARE %; sampled rows: where rn * points / n steps up.
    reaches = "cum * 100 >= total * %s AND (cum - cents) * 100 < total * %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rn, cum, n, total, CASE WHEN {reaches} THEN 1 ELSE 0 END FROM ({ranked}) r "
            f"WHERE (rn * %s) / n > ((rn - 1) * %s) / n OR ({reaches}) ORDER BY rn",
            [top, top, *params, points, points, top, top])
        rows = cursor.fetchall()
    if not rows:
        return ParetoCurve(customers_total=0, revenue_total=ZERO, customers_80=0,
                           share_of_customers_80=Decimal("0.0"), revenue_80=ZERO,
                           points=[CurvePoint(0, Decimal("0.0"), Decimal("0.0"))])
    n, total = int(rows[0][2]), int(rows[0][3])
    curve = [CurvePoint(0, Decimal("0.0"), Decimal("0.0"))]
    customers_80, cents_80 = 0, 0
    for rank, cumulative, _n, _total, reaches in rows:
        rank, cumulative = int(rank), int(cumulative)
        curve.append(CurvePoint(rank, _percent(rank, n), _percent(cumulative, total)))
        if reaches:
            customers_80, cents_80 = rank, cumulative
    return ParetoCurve(customers_total=n, revenue_total=amount_from_cents(total), customers_80=customers_80,
                       share_of_customers_80=_percent(customers_80, n), revenue_80=amount_from_cents(cents_80),
                       points=curve)


@dataclass(frozen=True)
class TierCount:
    tier: str
    label: str
    customers: int
    revenue: Decimal  # their revenue as the scores last counted it (all their orders)
    churn_risk: int  # of them, flagged as about to be lost


def customer_tiers() -> list[TierCount]:
    """Every tier (top, regular, occasional; zero when empty) with its customers, their revenue and how many are
    about to be lost, from the nightly scores. One query."""
    counts = {tier: (customers, revenue, churn) for tier, customers, revenue, churn in
              CustomerScore.objects.order_by().values("tier")
              .annotate(customers=Count("pk"), revenue=Sum("revenue"), churn=Count("pk", filter=Q(churn_risk=True)))
              .values_list("tier", "customers", "revenue", "churn")}
    return [TierCount(tier=tier.value, label=str(tier.label), customers=counts.get(tier, (0,))[0],
                      revenue=counts.get(tier, (0, ZERO))[1] or ZERO, churn_risk=counts.get(tier, (0, 0, 0))[2])
            for tier in CustomerScore.Tier]


@dataclass(frozen=True)
class ChurnRow:
    contact_id: int
    name: str
    email: str
    tier: str
    orders: int
    revenue: Decimal
    last_order_on: datetime.date
    usual_interval_days: int | None
    reason: str  # why they look lost, in the active language


@dataclass
class ChurnList:
    count: int
    rows: list[ChurnRow]  # the `limit` who brought in the most first


def _reason(*, interval: int | None, last_order_on: datetime.date, stored: str, today: datetime.date) -> str:
    """The scores' churn reason (crm.services.scoring._churn_reason, stored in English), said again in the active
    language and counted to today."""
    if not interval:
        return stored
    return _("Usually orders every %(interval)d days; last order %(silent)d days ago (%(day)s).") % {
        "interval": interval, "silent": (today - last_order_on).days,
        "day": date_format(last_order_on, "DATE_FORMAT")}


def customers_churn(*, limit: int = 20, today: datetime.date | None = None) -> ChurnList:
    """Good customers being lost: those the nightly scores flag (crm.services.scoring: three orders or more at a
    regular interval, silent for much longer than usual), the most valuable first, with the reason. Two queries."""
    today = today or timezone.localdate()
    flagged = CustomerScore.objects.filter(churn_risk=True, contact__erased_at__isnull=True)
    rows = (flagged.select_related("contact").order_by("-revenue", "contact_id")
            .only("contact__name", "contact__email", "tier", "orders", "revenue", "last_order_on",
                  "usual_interval_days", "churn_reason")[:limit])
    return ChurnList(count=flagged.count(), rows=[
        ChurnRow(contact_id=score.contact_id, name=score.contact.name, email=score.contact.email, tier=score.tier,
                 orders=score.orders, revenue=score.revenue, last_order_on=score.last_order_on,
                 usual_interval_days=score.usual_interval_days,
                 reason=_reason(interval=score.usual_interval_days, last_order_on=score.last_order_on,
                                stored=score.churn_reason, today=today))
        for score in rows])


@dataclass(frozen=True)
class SegmentSize:
    segment_id: int
    name: str
    purpose: str  # what it is for (newsletter, promotions…), in the active language
    size: int  # contacts it targets today: only those whose consent for that purpose counts


def segment_sizes(*, limit: int = 20, on: datetime.date | None = None) -> list[SegmentSize]:
    """The segments (by name, at most `limit`) and how many contacts each targets on `on` (default: today), consent
    applied (crm.services.segments.segment_size). One query, plus one per segment (two for a category rule)."""
    segments = list(Segment.objects.order_by("name", "pk")[:limit])
    return [SegmentSize(segment_id=segment.pk, name=segment.name, purpose=str(segment.get_purpose_display()),
                        size=segment_size(segment=segment, on=on)) for segment in segments]


@dataclass(frozen=True)
class LateOrder:
    order_id: int
    number: str
    email: str
    promised_on: datetime.date
    status: str
    status_label: str
    days_late: int


@dataclass
class CustomerProblems:
    late_not_shipped: int  # promised date passed, not shipped yet
    late_in_transit: int  # promised date passed, shipped but not delivered
    open_returns: int  # requested, approved or received, not refunded or refused yet
    unanswered_questions: int  # open interactions: questions (help inbox, contact form) and calls waiting for us
    failed_payments: int  # payment attempts that failed in the range
    failed_unpaid_orders: int  # orders with a failed attempt in the range, still unpaid and not cancelled
    late: list[LateOrder]  # the `limit` longest overdue first

    @property
    def late_deliveries(self) -> int:
        return self.late_not_shipped + self.late_in_transit


def customer_problems(*, start: datetime.date, end: datetime.date, today: datetime.date | None = None,
                      limit: int = 20) -> CustomerProblems:
    """What is going wrong for customers (R7). Now: deliveries late against the date promised to the customer (not
    shipped yet, or shipped and not marked delivered), returns still open, questions still waiting for an answer
    (open CRM interactions: help.services opens one for every question asked and closes it when answered).
    From `start` to `end` (Edmonton days): failed payment attempts, and how many of those orders are still unpaid
    (neither paid since nor cancelled). Five queries."""
    today = today or timezone.localdate()
    late = Order.objects.filter(promised_on__lt=today, status__in=[*OPEN_TO_SHIP, Order.Status.SHIPPED])
    late_counts = late.aggregate(not_shipped=Count("pk", filter=Q(status__in=OPEN_TO_SHIP)),
                                 in_transit=Count("pk", filter=Q(status=Order.Status.SHIPPED)))
    listed = late.order_by("promised_on", "pk").values_list("pk", "number", "email", "promised_on", "status")[:limit]
    labels = dict(Order.Status.choices)
    since, until = _bounds(start, end)
    failed = Payment.objects.filter(status=Payment.Status.FAILED, updated_at__gte=since, updated_at__lt=until)
    failed_counts = failed.aggregate(
        attempts=Count("pk"),
        unpaid=Count("order", distinct=True, filter=Q(order__invoice__status=Invoice.Status.OPEN)
                     & ~Q(order__status__in=NOT_REVENUE)))
    open_statuses = [ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED, ReturnRequest.Status.RECEIVED]
    return CustomerProblems(
        late_not_shipped=late_counts["not_shipped"], late_in_transit=late_counts["in_transit"],
        open_returns=ReturnRequest.objects.filter(status__in=open_statuses).count(),
        unanswered_questions=Interaction.objects.filter(is_open=True).count(),
        failed_payments=failed_counts["attempts"], failed_unpaid_orders=failed_counts["unpaid"],
        late=[LateOrder(order_id=pk, number=number, email=email, promised_on=promised, status=status,
                        status_label=str(labels.get(status, status)), days_late=(today - promised).days)
              for pk, number, email, promised, status in listed],
    )
