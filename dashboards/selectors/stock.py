"""Stock (D3): what cannot be sold, what runs low, what the shelves are worth, what sells and how long it lasts.

What the figures mean, as the page states them:
- **Units sold** in the range: units on the web shop's orders placed in it (the orders the Sales page counts: not
  cancelled or expired, card orders once paid) plus units sold at the store counters (the stock ledger's in-store
  sales). **Product revenue** is the web orders' line totals, before order discounts, shipping and taxes (counter
  sales have no amounts in the shop: inventory.selectors.sellers).
- **Stock-outs** (now): online, the SKUs shown online with no unit free at the locations that ship online; per
  location, the stock rows at nothing free (inventory.selectors.stock_outs).
- **Low stock** (now): stock rows at or under the reorder point set on them; rows without one never alert
  (inventory.selectors.low_stock, the admin's "low stock" filter).
- **Stock value** (now): units on hand × the SKU's cost price, per active location; units whose SKU has no cost
  price are counted apart, never valued at zero.
- **Days of cover** (now): units free at every location ÷ the units sold a day over the 30 whole days before today,
  whatever the range: the current pace, the least cover first.
"""

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from core.money import money
from inventory.selectors import counter_sales, days_of_cover, low_stock, sellers, stock_outs, stock_value
from orders.models import Order, OrderLine

from .. import charts
from .. import tables as t
from ..periods import Period, shop_today
from .common import ZERO, Figure, Report, Section
from .sales import NOT_SALES

LISTED = 20  # rows of each list (stock-outs, low stock, days of cover)
SELLERS_LISTED = 10
COVER_DAYS = 30
DECIMAL = "decimal"  # a plain number with its decimals (localized on the page, as is in the CSV)
CHART_LABEL = 16  # characters of a product's name under a bar (the table gives it whole)


def online_lines(period: Period) -> QuerySet[OrderLine]:
    """The web shop's order lines of the orders placed in the period that are sales (as sales.sales_orders)."""
    return (OrderLine.objects.filter(order__created_at__gte=period.since, order__created_at__lt=period.until)
            .exclude(order__status__in=NOT_SALES)
            .exclude(order__status=Order.Status.RECEIVED, order__payment_method=Order.PaymentMethod.CARD))


def _units_and_revenue(period: Period) -> dict:
    """Units sold online and at the counters, and online product revenue, this period and the previous one: three
    queries."""
    previous = period.previous
    now = Q(order__created_at__gte=period.since)
    lines = online_lines(Period(start=previous.start, end=period.end)).aggregate(
        units=Sum("quantity", filter=now), revenue=Sum("line_total", filter=now),
        units_before=Sum("quantity", filter=~now), revenue_before=Sum("line_total", filter=~now))
    counter = sum(sold.units for sold in counter_sales(start=period.since, end=period.until).values())
    counter_before = sum(sold.units for sold in counter_sales(start=previous.since, end=previous.until).values())
    return {"online": lines["units"] or 0, "online_before": lines["units_before"] or 0,
            "revenue": lines["revenue"] or ZERO, "revenue_before": lines["revenue_before"] or ZERO,
            "counter": counter, "counter_before": counter_before}


def _product_url(product_id: int) -> str:
    return reverse("admin:catalog_product_change", args=[product_id])


def _short(name: str) -> str:
    return name if len(name) <= CHART_LABEL else name[:CHART_LABEL - 1] + "…"


def _stock_value() -> tuple[Section, object]:
    value = stock_value()
    rows = [(row.name, row.units, row.value, row.units_without_cost) for row in value.locations]
    rows.append((_("Total"), value.units, value.value, value.units_without_cost))
    table = t.Table(slug="stock-value", caption=_("Stock on hand valued at cost, per location, today"),
                    columns=[t.Column(_("Location")), t.Column(_("Units on hand"), t.INT),
                             t.Column(_("Value at cost (CAD)"), t.MONEY),
                             t.Column(_("Units without a cost price (not valued)"), t.INT)], rows=rows,
                    note=_("Units on hand (reserved ones included: they are the shop's until shipped) × the cost "
                           "price of their SKU. Units of SKUs without a cost price are not in the value: they are "
                           "counted apart, so an unknown cost is never taken for zero. Set cost prices on the "
                           "products' SKUs in the admin."))
    chart = charts.bar_chart(chart_id="chart-stock-value", title=_("Stock value at cost by location"),
                             description=_("What the units on hand at each location cost, %(total)s in all.")
                             % {"total": money(value.value)},
                             categories=[r[0] for r in rows[:-1]],
                             series=[charts.Series(_("Value at cost"), [r[2] for r in rows[:-1]])],
                             formatter=money)
    return Section(slug="stock-value", title=_("Stock value"), table=table, chart=chart), value


def _stock_outs() -> tuple[list[Section], object]:
    outs = stock_outs(limit=LISTED)
    online = t.Table(
        slug="stock-outs-online",
        caption=_("SKUs out of stock online today: %(count)d (the latest to run out first, at most %(listed)d)")
        % {"count": outs.online_count, "listed": LISTED},
        columns=[t.Column(_("SKU")), t.Column(_("Product")), t.Column(_("Variant")),
                 t.Column(_("Takes backorders"))],
        rows=[(r.sku, r.product_name, r.label, _("Yes") if r.allow_backorder else _("No")) for r in outs.online],
        links=[_product_url(r.product_id) for r in outs.online],
        note=_("SKUs shown online with no unit free (on hand less reserved) at the locations that ship online. "
               "A product that takes backorders still sells."))
    by_location = t.Table(
        slug="stock-outs-locations", caption=_("Stock-outs per location today"),
        columns=[t.Column(_("Location")), t.Column(_("SKUs with nothing free"), t.INT)],
        rows=[(c.name, c.count) for c in outs.by_location],
        note=_("Stock rows of active SKUs at nothing free (on hand less reserved). A SKU never stocked at a "
               "location is not counted there."))
    at_locations = t.Table(
        slug="stock-outs-rows",
        caption=_("Stock rows at nothing free, the latest to run out first (at most %(listed)d)")
        % {"listed": LISTED},
        columns=[t.Column(_("SKU")), t.Column(_("Product")), t.Column(_("Variant")), t.Column(_("Location")),
                 t.Column(_("Free"), t.INT)],
        rows=[(r.sku, r.product_name, r.label, r.location_name, r.available) for r in outs.at_locations],
        links=[_product_url(r.product_id) for r in outs.at_locations])
    return [Section(slug="stock-outs-online", title=_("Out of stock online"), table=online),
            Section(slug="stock-outs-locations", title=_("Out of stock per location"), table=by_location),
            Section(slug="stock-outs-rows", title=_("Out of stock at a location"), table=at_locations)], outs


def _low_stock() -> tuple[Section, int]:
    low = low_stock(limit=LISTED)
    table = t.Table(
        slug="low-stock",
        caption=_("Stock at or under its reorder point today: %(count)d rows (nothing free first, at most "
                  "%(listed)d)") % {"count": low.count, "listed": LISTED},
        columns=[t.Column(_("SKU")), t.Column(_("Product")), t.Column(_("Variant")), t.Column(_("Location")),
                 t.Column(_("Free"), t.INT), t.Column(_("Reorder point"), t.INT)],
        rows=[(r.sku, r.product_name, r.label, r.location_name, r.available, r.reorder_point) for r in low.rows],
        links=[_product_url(r.product_id) for r in low.rows],
        note=_("Only stock rows with a reorder point (set per SKU and location in the admin's stock list) can "
               "run low; free means on hand less reserved."))
    return Section(slug="low-stock", title=_("Low stock"), table=table), low.count


SELLER_COLUMNS = [
    (_("Product"), t.TEXT), (_("Units online"), t.INT), (_("Units at the counters"), t.INT),
    (_("Units sold"), t.INT), (_("Online revenue (CAD)"), t.MONEY),
]


def _sellers_table(slug: str, caption: str, rows) -> t.Table:
    return t.Table(slug=slug, caption=caption, columns=[t.Column(label, kind) for label, kind in SELLER_COLUMNS],
                   rows=[(r.name, r.units_online, r.units_in_store, r.units, r.revenue_online) for r in rows],
                   links=[_product_url(r.product_id) for r in rows])


def _sellers(period: Period) -> list[Section]:
    ranked = sellers(start=period.start, end=period.end, online_lines=online_lines(period), limit=SELLERS_LISTED)
    note = _("Online: units and line totals (before order discounts, shipping and taxes) of the web orders placed "
             "in the period. Counters: units of the in-store sales; the stores' tills keep their amounts.")
    by_units = _sellers_table("best-sellers-units", _("Best sellers by units, the %(count)d first")
                              % {"count": SELLERS_LISTED}, ranked.by_units)
    by_units.note = note
    units_chart = charts.bar_chart(
        chart_id="chart-best-units", title=_("Best sellers by units"),
        description=_("Units sold online and at the counters by the products that sold the most units."),
        categories=[_short(r.name) for r in ranked.by_units],
        series=[charts.Series(_("Online"), [r.units_online for r in ranked.by_units]),
                charts.Series(_("At the counters"), [r.units_in_store for r in ranked.by_units])])
    by_revenue = _sellers_table("best-sellers-revenue", _("Best sellers by online revenue, the %(count)d first")
                                % {"count": SELLERS_LISTED}, ranked.by_revenue)
    by_revenue.note = note
    revenue_chart = charts.bar_chart(
        chart_id="chart-best-revenue", title=_("Best sellers by online revenue"),
        description=_("Online revenue of the products that brought in the most."),
        categories=[_short(r.name) for r in ranked.by_revenue],
        series=[charts.Series(_("Online revenue"), [r.revenue_online for r in ranked.by_revenue])],
        formatter=money)
    worst = _sellers_table("worst-sellers", _("Worst sellers: products shown online that sold the fewest units "
                                              "(at most %(count)d)") % {"count": SELLERS_LISTED}, ranked.worst)
    worst.note = _("Products on sale online (active, in an active category), those that sold nothing first, the "
                   "longest listed first among equals.")
    return [Section(slug="best-sellers-units", title=_("Best sellers by units"), table=by_units, chart=units_chart),
            Section(slug="best-sellers-revenue", title=_("Best sellers by revenue"), table=by_revenue,
                    chart=revenue_chart),
            Section(slug="worst-sellers", title=_("Worst sellers"), table=worst)]


def _cover() -> Section:
    rows = days_of_cover(days=COVER_DAYS, limit=LISTED, today=shop_today())
    table = t.Table(
        slug="days-of-cover",
        caption=_("Days of cover at the pace of the last %(days)d days, the least first (at most %(listed)d)")
        % {"days": COVER_DAYS, "listed": LISTED},
        columns=[t.Column(_("SKU")), t.Column(_("Product")), t.Column(_("Variant")), t.Column(_("Free now"), t.INT),
                 t.Column(_("Sold in %(days)d days") % {"days": COVER_DAYS}, t.INT),
                 t.Column(_("Sold a day"), DECIMAL), t.Column(_("Days of cover"), DECIMAL)],
        rows=[(r.sku, r.product_name, r.label, r.available, r.sold, r.per_day, r.cover_days) for r in rows],
        links=[_product_url(r.product_id) for r in rows],
        note=_("Units free now (on hand less reserved, every location) ÷ units sold a day over the %(days)d whole "
               "days before today (online orders when shipped, counter sales when made). The current pace, "
               "whatever the period chosen above; SKUs that sold nothing are not listed.") % {"days": COVER_DAYS})
    return Section(slug="days-of-cover", title=_("Days of cover"), table=table)


def stock_report(*, period: Period) -> Report:
    sold = _units_and_revenue(period)
    value_section, value = _stock_value()
    out_sections, outs = _stock_outs()
    low_section, low_count = _low_stock()
    report = Report(period=period)
    report.figures = [
        Figure(_("Units sold"), sold["online"] + sold["counter"], t.INT,
               sold["online_before"] + sold["counter_before"]),
        Figure(_("Units sold online"), sold["online"], t.INT, sold["online_before"]),
        Figure(_("Units sold at the counters"), sold["counter"], t.INT, sold["counter_before"]),
        Figure(_("Online product revenue"), sold["revenue"], t.MONEY, sold["revenue_before"]),
        Figure(_("Stock value at cost, today"), value.value, t.MONEY),
        Figure(_("Units on hand without a cost price"), value.units_without_cost, t.INT),
        Figure(_("SKUs out of stock online"), outs.online_count, t.INT),
        Figure(_("Stock rows at or under their reorder point"), low_count, t.INT),
    ]
    report.sections = [value_section, *out_sections, low_section, *_sellers(period), _cover()]
    return report
