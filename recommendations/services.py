"""Cross-sell, computed once a night: "customers who bought this also bought" from the counted orders.

An order counts as the nightly customer scores count it (crm.services.scoring.revenue_orders: money came in, not
cancelled or expired). Two products go together when they are in the same counted order, whatever their sizes or
colours (product level, not SKU); a pair's support is the number of distinct counted orders holding both. Pairs
below SHOP_CROSS_SELL_MIN_SUPPORT are left out, and each product keeps its SHOP_CROSS_SELL_TOP best, by support
then by the other product's id (deterministic).

One INSERT ... SELECT computes and writes every pair in the database, in the transaction that deleted the old
ones: readers see last night's pairs or tonight's, never a mix. The `crosssell` version is bumped after the
commit, so every cached suggestion is built again from the new pairs.
"""

from django.conf import settings
from django.db import connection, transaction

from catalog import page_cache
from catalog.models import ProductVariant
from crm.services.scoring import revenue_orders
from orders.models import OrderLine

from .models import ProductPair
from .selectors import CROSSSELL, purchases_version


def product_pairs_compute(*, min_support: int | None = None, top: int | None = None) -> int:
    """Replace every product pair with tonight's; returns how many were written. Safe to run twice."""
    min_support = settings.SHOP_CROSS_SELL_MIN_SUPPORT if min_support is None else min_support
    top = settings.SHOP_CROSS_SELL_TOP if top is None else top
    counted_sql, counted_params = revenue_orders().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    line, variant, pair = OrderLine._meta.db_table, ProductVariant._meta.db_table, ProductPair._meta.db_table
    sql = (
        f"WITH bought AS ("
        f" SELECT DISTINCT l.order_id AS order_id, v.product_id AS product_id"
        f" FROM {quote(line)} l JOIN {quote(variant)} v ON v.id = l.variant_id"
        f" WHERE l.order_id IN ({counted_sql})),"
        f" together AS ("
        f" SELECT a.product_id AS product_id, b.product_id AS other_id, COUNT(*) AS support"
        f" FROM bought a JOIN bought b ON b.order_id = a.order_id AND b.product_id <> a.product_id"
        f" GROUP BY a.product_id, b.product_id HAVING COUNT(*) >= %s),"
        f" ranked AS ("
        f" SELECT product_id, other_id, support,"
        f" ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY support DESC, other_id) AS position"
        f" FROM together)"
        f" INSERT INTO {quote(pair)} (product_id, other_id, support, {quote('rank')})"
        f" SELECT product_id, other_id, support, position FROM ranked WHERE position <= %s"
    )
    with transaction.atomic():
        ProductPair.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, [*counted_params, min_support, top])
        written = ProductPair.objects.count()  # SQLite gives no row count for a WITH ... INSERT
        transaction.on_commit(cross_sell_changed)
    return written


def cross_sell_changed() -> None:
    """After the commit of new pairs: every cached suggestion is built again."""
    page_cache.version_changed(CROSSSELL)


def customer_purchases_changed(*, user_id: int) -> None:
    """After the commit of an order of this customer's: their "For you" is built again from their purchases."""
    page_cache.version_changed(purchases_version(user_id))
