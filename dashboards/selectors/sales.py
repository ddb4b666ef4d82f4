"""Sales (D1): orders and revenue over time, average order value, channels, payment methods, what is owed, refunds.

What counts as revenue, as a shop owner reads it:
- An order counts on the shop day (Edmonton) it was **placed**, whether it was paid then or later: a sale is when
  the customer chose to buy. Cancelled and expired orders never count; a card order still waiting for its card
  payment counts once paid (an abandoned card payment is not a sale).
- Its revenue is what the shop earns on it **before sales taxes**: items less discounts, plus shipping and handling
  (Order.total - Order.tax_total). GST/HST/PST/QST are collected for the governments, not earned.
- Refunds are shown apart, on the day they were made, taxes included (the money sent back), not subtracted from the
  revenue of the day the order was placed: the sales of a past day do not change.
- Counter sales in the stores are the stock ledger's in-store sales (from the admin's counter form or a point-of-sale
  system through the API), each with the price per unit the customer paid before taxes (the catalogue price unless
  the clerk or the till gave another): the channel table gives each store's units and revenue beside the web shop's.
- Unpaid and overdue amounts are a picture of today, not of the period: open invoices' balances (what is still owed,
  after payments, refunds and credit notes), by how many days past their due date.
"""

import datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _

from core.money import money
from inventory.locations import StockLocation
from inventory.selectors import CounterSales, counter_sales
from orders.models import Order, OrderLine
from payments.models import Invoice, Payment, Refund, balance_expression

from .. import charts
from .. import tables as t
from ..periods import Period, shop_today, shop_tz
from .common import ZERO, Figure, Report, Section, average, bucket_label, local_date

NOT_SALES = (Order.Status.CANCELLED, Order.Status.EXPIRED)
AGEING = [  # (label, days overdue from, to; None: no bound)
    ("1–30", 1, 30), ("31–60", 31, 60), ("61–90", 61, 90), ("90+", 91, None),
]


def sales_orders() -> QuerySet[Order]:
    """The orders that are sales (see the module docstring), any day."""
    return (Order.objects.exclude(status__in=NOT_SALES)
            .exclude(status=Order.Status.RECEIVED, payment_method=Order.PaymentMethod.CARD))


def net_revenue():
    """An order's revenue before taxes, in SQL."""
    return F("total") - F("tax_total")


def _money_chart_formatter(value) -> str:
    return money(value)


def _headline(period: Period) -> dict:
    previous = period.previous
    now = Q(created_at__gte=period.since)
    before = Q(created_at__lt=period.since)
    orders = sales_orders().filter(created_at__gte=previous.since, created_at__lt=period.until)
    figures = orders.aggregate(
        orders=Count("pk", filter=now), revenue=Sum(net_revenue(), filter=now),
        orders_before=Count("pk", filter=before), revenue_before=Sum(net_revenue(), filter=before),
    )
    units = OrderLine.objects.filter(order__in=orders.order_by().values("pk")).aggregate(
        units=Sum("quantity", filter=Q(order__created_at__gte=period.since)),
        units_before=Sum("quantity", filter=Q(order__created_at__lt=period.since)),
    )
    return {**{k: v or ZERO for k, v in figures.items() if k.startswith("revenue")},
            "orders": figures["orders"], "orders_before": figures["orders_before"],
            "units": units["units"] or 0, "units_before": units["units_before"] or 0}


def _over_time(period: Period) -> Section:
    tz = shop_tz()
    rows = (sales_orders().filter(created_at__gte=period.since, created_at__lt=period.until)
            .annotate(bucket=Trunc("created_at", period.granularity, tzinfo=tz))
            .values("bucket").annotate(orders=Count("pk"), revenue=Sum(net_revenue())).order_by("bucket"))
    found = {local_date(row["bucket"], tz): row for row in rows}
    table_rows, labels = [], []
    for day in period.buckets:
        row = found.get(day, {})
        orders, revenue = row.get("orders", 0), row.get("revenue") or ZERO
        table_rows.append((day, orders, revenue, average(revenue, orders)))
        labels.append(bucket_label(day, period.granularity))
    unit = {"day": _("Day"), "week": _("Week starting"), "month": _("Month")}[period.granularity]
    table = t.Table(slug="orders-revenue", caption=_("Orders and revenue (before taxes) by %(unit)s")
                    % {"unit": unit.lower()},
                    columns=[t.Column(unit, t.DATE), t.Column(_("Orders"), t.INT),
                             t.Column(_("Revenue (CAD)"), t.MONEY), t.Column(_("Average order (CAD)"), t.MONEY)],
                    rows=table_rows)
    revenues = [r[2] for r in table_rows]
    best = max(range(len(revenues)), key=lambda i: revenues[i]) if revenues else None
    description = _("Revenue before taxes from %(start)s to %(end)s, %(count)d bars.") % {
        "start": period.start.isoformat(), "end": period.end.isoformat(), "count": len(revenues)}
    if best is not None and revenues[best]:
        description += " " + _("Highest: %(amount)s (%(when)s).") % {"amount": money(revenues[best]),
                                                                      "when": labels[best]}
    chart = charts.bar_chart(chart_id="chart-revenue", title=_("Revenue before taxes"), description=description,
                             categories=labels, series=[charts.Series(_("Revenue"), revenues)],
                             formatter=_money_chart_formatter)
    return Section(slug="orders-revenue", title=_("Orders and revenue over time"), table=table, chart=chart)


def _channels(period: Period, headline: dict) -> Section:
    previous = period.previous
    now = counter_sales(start=period.since, end=period.until)
    before = counter_sales(start=previous.since, end=previous.until)
    stores = StockLocation.objects.filter(Q(kind=StockLocation.Kind.STORE, is_active=True)
                                          | Q(pk__in=set(now) | set(before))).order_by("priority", "name")
    nothing = CounterSales(0, ZERO)
    rows = [(_("Web shop"), headline["units"], headline["units_before"], headline["revenue"],
             headline["revenue_before"])]
    rows += [(_("Counter: %(store)s") % {"store": store.name}, now.get(store.pk, nothing).units,
              before.get(store.pk, nothing).units, now.get(store.pk, nothing).revenue,
              before.get(store.pk, nothing).revenue) for store in stores]
    rows.append((_("All channels"), sum(r[1] for r in rows), sum(r[2] for r in rows),
                 sum((r[3] for r in rows), ZERO), sum((r[4] for r in rows), ZERO)))
    table = t.Table(slug="channels", caption=_("Sales by channel"),
                    columns=[t.Column(_("Channel")), t.Column(_("Units sold"), t.INT),
                             t.Column(_("Units, previous period"), t.INT), t.Column(_("Revenue (CAD)"), t.MONEY),
                             t.Column(_("Revenue, previous period (CAD)"), t.MONEY)],
                    rows=rows,
                    note=_("Revenue before taxes. A counter sale's revenue is the price per unit recorded with it in "
                           "the stock ledger (the catalogue price unless the clerk or the till gave another)."))
    channels = rows[:-1]
    chart = charts.bar_chart(
        chart_id="chart-channels", title=_("Revenue by channel"),
        description=_("Revenue before taxes of each channel, this period and the previous one."),
        categories=[r[0] for r in channels],
        series=[charts.Series(_("This period"), [r[3] for r in channels]),
                charts.Series(_("Previous period"), [r[4] for r in channels])],
        formatter=_money_chart_formatter)
    return Section(slug="channels", title=_("Channels"), table=table, chart=chart)


def _payment_methods(period: Period) -> Section:
    found = {row["payment_method"]: row for row in
             sales_orders().filter(created_at__gte=period.since, created_at__lt=period.until)
             .values("payment_method").annotate(orders=Count("pk"), revenue=Sum(net_revenue()))
             .order_by("payment_method")}
    rows = [(label, found.get(value, {}).get("orders", 0), found.get(value, {}).get("revenue") or ZERO)
            for value, label in Order.PaymentMethod.choices]
    table = t.Table(slug="payment-methods", caption=_("Orders by payment method"),
                    columns=[t.Column(_("Payment method")), t.Column(_("Orders"), t.INT),
                             t.Column(_("Revenue (CAD)"), t.MONEY)], rows=rows)
    chart = charts.bar_chart(chart_id="chart-methods", title=_("Revenue by payment method"),
                             description=_("Revenue before taxes of the period's orders, by how they are paid."),
                             categories=[r[0] for r in rows],
                             series=[charts.Series(_("Revenue"), [r[2] for r in rows])],
                             formatter=_money_chart_formatter)
    return Section(slug="payment-methods", title=_("Payment methods"), table=table, chart=chart)


def ageing(*, today: datetime.date) -> list[tuple[str, int, object]]:
    """Open invoices with something owed, by days past due: (label, invoices, amount owed), not yet due first, the
    total last. One query."""
    balance = balance_expression()
    owed = Invoice.objects.open().alias(owed=balance).filter(owed__gt=0)
    buckets = {"due": Q(due_on__gte=today)}
    for label, first, last in AGEING:
        condition = Q(due_on__lte=today - datetime.timedelta(days=first))
        if last is not None:
            condition &= Q(due_on__gte=today - datetime.timedelta(days=last))
        buckets[label] = condition
    aggregates = {}
    for key, condition in buckets.items():
        aggregates[f"n_{key}"] = Count("pk", filter=condition)
        aggregates[f"s_{key}"] = Sum(balance, filter=condition)
    aggregates["n_all"], aggregates["s_all"] = Count("pk"), Sum(balance)
    found = owed.aggregate(**aggregates)
    labels = {"due": _("Not yet due"), "all": _("Total unpaid")}
    labels.update({label: _("%(range)s days overdue") % {"range": label} for label, _a, _b in AGEING})
    return [(labels[key], found[f"n_{key}"], found[f"s_{key}"] or ZERO) for key in [*buckets, "all"]]


def _ageing(today: datetime.date) -> Section:
    rows = ageing(today=today)
    table = t.Table(slug="unpaid", caption=_("Unpaid invoices by days overdue, today"),
                    columns=[t.Column(_("Due")), t.Column(_("Invoices"), t.INT), t.Column(_("Owed (CAD)"), t.MONEY)],
                    rows=rows,
                    note=_("Open invoices' balances: the amount less payments and credit notes, plus refunds. "
                           "Days overdue count from the day after the due date."))
    chart = charts.bar_chart(chart_id="chart-ageing", title=_("Unpaid amounts by days overdue"),
                             description=_("What customers owe today, not yet due and by days past the due date."),
                             categories=[r[0] for r in rows[:-1]],
                             series=[charts.Series(_("Owed"), [r[2] for r in rows[:-1]])],
                             formatter=_money_chart_formatter)
    return Section(slug="unpaid", title=_("Unpaid and overdue"), table=table, chart=chart)


def _refunds(period: Period) -> tuple[Section, dict]:
    previous = period.previous
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED, refunded_at__gte=previous.since,
                                    refunded_at__lt=period.until)
    now = Q(refunded_at__gte=period.since)
    rows_found = {row["payment__method"]: row for row in refunds.filter(now).values("payment__method").annotate(
        count=Count("pk"), refunded=Sum("amount")).order_by("payment__method")}
    totals = refunds.aggregate(count=Count("pk", filter=now), refunded=Sum("amount", filter=now),
                               count_before=Count("pk", filter=~now), refunded_before=Sum("amount", filter=~now))
    rows = [(label, rows_found.get(value, {}).get("count", 0), rows_found.get(value, {}).get("refunded") or ZERO)
            for value, label in Payment.Method.choices]
    rows.append((_("Total"), totals["count"], totals["refunded"] or ZERO))
    table = t.Table(slug="refunds", caption=_("Refunds made in the period, by how the payment was made"),
                    columns=[t.Column(_("Payment method")), t.Column(_("Refunds"), t.INT),
                             t.Column(_("Amount (CAD)"), t.MONEY)], rows=rows,
                    note=_("Refunds sent back in the period, taxes included, on the day they were made."))
    return Section(slug="refunds", title=_("Refunds"), table=table), totals


def sales_report(*, period: Period) -> Report:
    headline = _headline(period)
    refunds, refund_totals = _refunds(period)
    counter_section = _channels(period, headline)
    report = Report(period=period)
    report.figures = [
        Figure(_("Orders"), headline["orders"], t.INT, headline["orders_before"]),
        Figure(_("Revenue before taxes"), headline["revenue"], t.MONEY, headline["revenue_before"]),
        Figure(_("Average order value"), average(headline["revenue"], headline["orders"]), t.MONEY,
               average(headline["revenue_before"], headline["orders_before"])),
        Figure(_("Units sold online"), headline["units"], t.INT, headline["units_before"]),
        Figure(_("Refunded"), refund_totals["refunded"] or ZERO, t.MONEY, refund_totals["refunded_before"] or ZERO),
    ]
    report.sections = [_over_time(period), counter_section, _payment_methods(period), _ageing(shop_today()),
                       refunds]
    return report
