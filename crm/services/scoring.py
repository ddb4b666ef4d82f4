"""Who matters most and who is slipping away (R5, R6, R7): nightly RFM scores, tiers and churn flags, and the 80/20
report.

Only real money counts. An order's revenue is what its invoice has received, net of the refunds made on it
(Invoice.amount_paid - amount_refunded, the running totals payments.services keeps under the order's lock), and never
more than the invoice asks for (amount - amount_credited): an overpayment waiting to go back is not revenue. Credit
notes lower what is owed, not what was received; a refund for a returned item brings its own credit note, so a partly
refunded order counts for what the customer kept paying for. An order counts only when that is more than zero and it
is not cancelled or expired: an unpaid card order, a cheque not yet received or an invoice on account not yet paid
counts once money arrives, and a fully refunded order no longer counts. A card refund still pending at Stripe
counts once Stripe has made it (as on the invoice and the customer's statement).

An order counts on the day it was placed, not the day it was paid: recency, frequency and churn are about when the
customer chose to buy (a cheque or a net-30 invoice is paid when their accounts department gets to it), and the 80/20
report's "since" is about orders placed. An order belongs to the customer contact whose user account placed it, or
else whose email it was sent to (case-insensitive). Scores are ranks across customers, so they say "better than
most of our customers", not an absolute amount.
"""

import datetime
import itertools
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Least, TruncDate
from django.utils import timezone

from catalog import page_cache
from orders.models import Order

from ..models import Contact, CustomerScore

NOT_REVENUE = (Order.Status.CANCELLED, Order.Status.EXPIRED)
TOP_SHARE = Decimal("80")  # % of revenue the top customers make together
REGULAR_MIN_ORDERS = 3
CHURN_MIN_ORDERS = 3
CHURN_FACTOR = Decimal("2.5")  # silent for more than this many usual intervals…
CHURN_MIN_DAYS = 30  # …and more than a month
CHURN_MAX_INTERVAL_DAYS = 180  # someone who orders less than twice a year is occasional, never "about to be lost"
ZERO = Decimal("0")
DELETE_BATCH = 500  # scores removed per statement (SQLite takes a bounded number of parameters)
SCORE_FIELDS = ("recency", "frequency", "monetary", "orders", "revenue", "last_order_on", "usual_interval_days",
                "tier", "churn_risk", "churn_reason")


@dataclass
class CustomerOrders:
    contact_id: int
    days: list[datetime.date] = field(default_factory=list)  # one entry per order
    revenue: Decimal = ZERO

    @property
    def orders(self) -> int:
        return len(self.days)

    @property
    def last_order_on(self) -> datetime.date:
        return max(self.days)


def revenue_orders() -> QuerySet[Order]:
    """Orders that brought money in: not cancelled or expired, with more received than refunded on their invoice
    (and something still asked for on it). The one definition for scores, the 80/20 report and segments."""
    return Order.objects.exclude(status__in=NOT_REVENUE).filter(
        invoice__amount_paid__gt=F("invoice__amount_refunded"),
        invoice__amount__gt=F("invoice__amount_credited"),
    )


def _revenue_expression():
    """What an order brought in from its invoice's totals: received net of refunds, at most what is asked for. In
    SQL, for revenue_orders() rows (where both differences are above zero, so never below zero)."""
    return Least(F("invoice__amount_paid") - F("invoice__amount_refunded"),
                 F("invoice__amount") - F("invoice__amount_credited"))


def _customer_orders(*, since: datetime.date | None = None,
                     until: datetime.date | None = None) -> dict[int, CustomerOrders]:
    """Revenue orders placed from `since` to `until` (local days, both included) grouped by customer contact, with
    the money each brought in. Two queries whatever the number of customers; the database gives each order's
    revenue and its local day (TruncDate works in the current time zone, as timezone.localdate does)."""
    by_user, by_email = {}, {}
    contacts = Contact.objects.filter(kind=Contact.Kind.CUSTOMER, erased_at__isnull=True)
    for pk, email, user_id in contacts.values_list("pk", "email", "user_id").order_by("pk"):
        if user_id is not None:
            by_user[user_id] = pk
        if email:
            by_email.setdefault(email.strip().lower(), pk)
    orders = revenue_orders()
    tz = timezone.get_current_timezone()
    if since is not None:
        orders = orders.filter(created_at__gte=datetime.datetime.combine(since, datetime.time.min, tzinfo=tz))
    if until is not None:
        until_end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        orders = orders.filter(created_at__lt=until_end)
    customers: dict[int, CustomerOrders] = {}
    rows = orders.annotate(placed_on=TruncDate("created_at"), revenue=_revenue_expression()).values_list(
        "user_id", "email", "placed_on", "revenue")
    for user_id, email, placed_on, revenue in rows:
        if revenue <= ZERO:
            continue
        contact_id = by_user.get(user_id) if user_id is not None else None
        if contact_id is None:
            contact_id = by_email.get(email.strip().lower())
        if contact_id is None:
            continue
        customer = customers.setdefault(contact_id, CustomerOrders(contact_id))
        customer.days.append(placed_on)
        customer.revenue += revenue
    return customers


def _usual_interval(days: list[datetime.date]) -> int | None:
    """Median days between consecutive order days; None below three orders (or three distinct days)."""
    if len(days) < 3:
        return None
    distinct = sorted(set(days))
    if len(distinct) < 3:
        return None
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(distinct)]
    return int(Decimal(str(statistics.median(gaps))).quantize(Decimal("1"), ROUND_HALF_UP))


def _quintiles(values: dict[int, object]) -> dict[int, int]:
    """Score 1 (lowest value) … 5 (highest) by rank across customers. Equal values share the score of the first
    of them, so a tie never depends on the order rows come back in."""
    ordered = sorted(values.values())
    first_rank, count = {}, len(ordered)
    for rank, value in enumerate(ordered):
        first_rank.setdefault(value, rank)
    return {key: 1 + (first_rank[value] * 5) // count for key, value in values.items()}


def _top_ids(customers: list[CustomerOrders]) -> list[int]:
    """The smallest set of customers, biggest first (ties: older contact first), whose revenue together reaches
    TOP_SHARE % of the total."""
    total = sum((c.revenue for c in customers), ZERO)
    if total <= 0:
        return []
    top, cumulative = [], ZERO
    for customer in sorted(customers, key=lambda c: (-c.revenue, c.contact_id)):
        if cumulative * 100 >= total * TOP_SHARE:
            break
        top.append(customer.contact_id)
        cumulative += customer.revenue
    return top


def _short_date(day: datetime.date) -> str:
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{months[day.month - 1]} {day.day}, {day.year}"


def _churn_reason(customer: CustomerOrders, interval: int | None, today: datetime.date) -> str:
    """Why a regular customer looks lost, or "" when they do not: at least three orders at a usual interval of at
    most CHURN_MAX_INTERVAL_DAYS, and silent for over CHURN_FACTOR intervals and over CHURN_MIN_DAYS days."""
    if customer.orders < CHURN_MIN_ORDERS or not interval or interval > CHURN_MAX_INTERVAL_DAYS:
        return ""
    silent = (today - customer.last_order_on).days
    if silent <= CHURN_MIN_DAYS or silent <= CHURN_FACTOR * interval:
        return ""
    return (f"Usually orders every {interval} days; last order {silent} days ago "
            f"({_short_date(customer.last_order_on)}).")


def customer_scores_compute(*, today: datetime.date | None = None) -> int:
    """Recompute every customer's score from their orders up to `today` (default: today); returns how many
    customers were scored. Customers without revenue orders lose their score. Safe to run twice.

    A fixed number of queries plus one per batch of changed scores (or of scores to remove): the orders and the
    current scores are read once, only the scores that changed are written, and one UPDATE stamps them all with
    this run's time."""
    today = today or timezone.localdate()
    customers = _customer_orders(until=today)
    if not customers:
        CustomerScore.objects.all().delete()
        return 0
    recency = _quintiles({pk: c.last_order_on for pk, c in customers.items()})
    frequency = _quintiles({pk: c.orders for pk, c in customers.items()})
    monetary = _quintiles({pk: c.revenue for pk, c in customers.items()})
    top = set(_top_ids(list(customers.values())))
    now = timezone.now()
    rows = []
    for pk, customer in sorted(customers.items()):
        interval = _usual_interval(customer.days)
        reason = _churn_reason(customer, interval, today)
        if pk in top:
            tier = CustomerScore.Tier.TOP
        elif customer.orders >= REGULAR_MIN_ORDERS:
            tier = CustomerScore.Tier.REGULAR
        else:
            tier = CustomerScore.Tier.OCCASIONAL
        rows.append(CustomerScore(
            contact_id=pk, recency=recency[pk], frequency=frequency[pk], monetary=monetary[pk],
            orders=customer.orders, revenue=customer.revenue, last_order_on=customer.last_order_on,
            usual_interval_days=interval, tier=tier, churn_risk=bool(reason), churn_reason=reason, computed_at=now,
        ))
    with transaction.atomic():
        current = {values[0]: values[1:] for values in
                   CustomerScore.objects.values_list("contact_id", *SCORE_FIELDS)}
        stale = sorted(current.keys() - customers.keys())
        for start in range(0, len(stale), DELETE_BATCH):
            CustomerScore.objects.filter(contact_id__in=stale[start:start + DELETE_BATCH]).delete()
        changed = [row for row in rows
                   if current.get(row.contact_id) != tuple(getattr(row, name) for name in SCORE_FIELDS)]
        CustomerScore.objects.bulk_create(
            changed, batch_size=1000, update_conflicts=True, unique_fields=["contact"],
            update_fields=[*SCORE_FIELDS, "computed_at"],
        )
        CustomerScore.objects.update(computed_at=now)
        transaction.on_commit(scores_changed)
    return len(rows)


SCORES = "scores"  # the version name of the tiers and perks in the shared cache (catalog.page_cache)


def scores_changed() -> None:
    """Called after the commit of new scores or a perk edit: the customers' headers show the new tier and perk."""
    page_cache.version_changed(SCORES)


@dataclass
class ParetoRow:
    contact: Contact
    orders: int
    revenue: Decimal
    share: Decimal  # % of all revenue, one decimal
    cumulative_share: Decimal


@dataclass
class ParetoReport:
    customers_total: int
    customers_80: int
    share_of_customers: Decimal  # %, one decimal
    revenue_total: Decimal
    revenue_80: Decimal
    share_of_revenue: Decimal  # %, one decimal
    rows: list[ParetoRow]  # the top customers, biggest first


def _percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def pareto_report(*, since: datetime.date | None = None) -> ParetoReport:
    """The smallest set of top customers whose revenue (orders placed since `since`, default: all) reaches 80 % of
    the total, and the shares of customers and of revenue they actually make."""
    customers = _customer_orders(since=since)
    top_ids = _top_ids(list(customers.values()))
    revenue_total = sum((c.revenue for c in customers.values()), ZERO)
    contacts = Contact.objects.select_related("score").in_bulk(top_ids)
    rows, cumulative = [], ZERO
    for pk in top_ids:
        customer = customers[pk]
        cumulative += customer.revenue
        rows.append(ParetoRow(contact=contacts[pk], orders=customer.orders, revenue=customer.revenue,
                              share=_percent(customer.revenue, revenue_total),
                              cumulative_share=_percent(cumulative, revenue_total)))
    return ParetoReport(
        customers_total=len(customers), customers_80=len(top_ids),
        share_of_customers=_percent(len(top_ids), len(customers)),
        revenue_total=revenue_total, revenue_80=cumulative, share_of_revenue=_percent(cumulative, revenue_total),
        rows=rows,
    )
