"""An existing shop's database upgrades in place with nothing lost.

The shop as it was before the cart moved from the orders app to checkout (commit 0bd2852) migrates a throwaway
database of the suite's engine, seeds the demo shop and takes orders: stock reserved and allocated, the ledger
written, invoices issued, a cheque paid in part, and a cart not yet checked out. The current code then migrates
that same database forward; orders, stock, the ledger, carts, invoices and payments read the same afterwards, and
the current models have no change that a migration is missing for.

Each `manage.py` runs in a fresh process with an explicit environment: the old one in the old tree, from
`git archive`; the figures are read with plain SQL, not through either version's models.
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "0bd2852"  # the last commit before the cart moved from orders to checkout

# Run by the old tree's `manage.py shell`: three carts of two units of three products sold online from the
# warehouse; two become cheque orders picked up in store, the second of them paid in part; the third stays a cart.
OLD_SHOP_TAKES_ORDERS = """
from decimal import Decimal
from catalog.models import ProductVariant
from orders.models import Cart, DeliveryMethod
from orders.services.cart import cart_add
from orders.services.checkout import CheckoutDetails, order_place
from payments.services.received import payment_record

pickup = DeliveryMethod.objects.filter(kind="pickup").order_by("pk").first()
details = CheckoutDetails(email="ann@example.com", phone="403-555-0101", ship_name="Ann Smith", ship_address="",
                          ship_city="", ship_province="", ship_postal_code="", delivery_method_id=pickup.pk,
                          payment_method="cheque")
in_warehouse = ProductVariant.objects.filter(product__sold_online=True, stocks__location__code="wh",
                                            stocks__on_hand__gte=10)
variants = list(in_warehouse.order_by("pk").values_list("pk", flat=True)[:9])
for first in (0, 3, 6):
    cart = Cart.objects.create()
    for variant_id in variants[first:first + 3]:
        cart_add(cart=cart, variant_id=variant_id, quantity=2)
    if first < 6:
        order = order_place(cart=cart, details=details, language="en")
payment_record(order=order, amount=Decimal("100.00"), method="cheque", reference="1001")
"""

# The tables the figures read, as the old code named them.
OLD_TABLES = {"Order": "orders_order", "OrderAllocation": "orders_orderallocation", "Stock": "inventory_stock",
              "StockMovement": "inventory_stockmovement", "Cart": "orders_cart", "CartLine": "orders_cartline",
              "Invoice": "payments_invoice", "Payment": "payments_payment"}


def current_tables() -> dict[str, str]:
    """The same tables as the current models name them, whichever app each model lives in now."""
    models = {model.__name__: model for model in apps.get_models()}
    return {name: models[name]._meta.db_table for name in OLD_TABLES}


def figures(connect, tables: dict[str, str]) -> dict[str, list[tuple]]:
    """Counts and sums of what the shop holds, read with plain SQL."""
    t = tables
    queries = {
        "orders": f"SELECT COUNT(*), SUM(total) FROM {t['Order']}",
        "allocations": f"SELECT COUNT(*), SUM(quantity) FROM {t['OrderAllocation']}",
        "stock": f"SELECT COUNT(*), SUM(on_hand), SUM(reserved) FROM {t['Stock']}",
        "ledger": f"SELECT kind, COUNT(*), SUM(on_hand_delta), SUM(reserved_delta) FROM {t['StockMovement']} "
                  "GROUP BY kind ORDER BY kind",
        "carts": f"SELECT COUNT(*) FROM {t['Cart']}",
        "cart lines": f"SELECT COUNT(*), SUM(quantity) FROM {t['CartLine']}",
        "invoices": f"SELECT COUNT(*), SUM(amount), SUM(amount_paid) FROM {t['Invoice']}",
        "payments": f"SELECT COUNT(*), SUM(amount) FROM {t['Payment']}",
    }
    found = {}
    with closing(connect()) as connection:
        cursor = connection.cursor()
        for name, sql in queries.items():
            cursor.execute(sql)
            found[name] = cursor.fetchall()
    return found


def cart_content_type(connect, app_label: str) -> list[tuple]:
    """The cart's content type row (its id is what staff permissions on carts point at)."""
    with closing(connect()) as connection:
        cursor = connection.cursor()
        cursor.execute(f"SELECT id FROM django_content_type WHERE app_label = '{app_label}' AND model = 'cart'")
        return cursor.fetchall()


def manage(tree: Path, database_url: str, *arguments: str) -> None:
    """`manage.py` in `tree` on that database: no Redis, no broker (tasks run in-process), emails kept in memory."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    basics = {name: value for name, value in os.environ.items() if name in kept}
    env = {**basics, "DJANGO_SETTINGS_MODULE": "shop.settings", "PYTHONDONTWRITEBYTECODE": "1",
           "DATABASE_URL": database_url, "DEBUG": "false", "SECRET_KEY": "comptoir-migrate-forward-test-only-5b0e9d",
           "CACHE_URL": "locmemcache://", "EMAIL_URL": "memorymail://"}
    done = subprocess.run([sys.executable, "manage.py", *arguments], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"manage.py {' '.join(arguments)} in {tree} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def shop_database(tmp_path):
    """A database apart from the suite's, on the suite's engine: its DATABASE_URL and how to connect to it."""
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3"):
        path = tmp_path / "shop.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    server = {"user": default["USER"], "password": default["PASSWORD"], "host": default["HOST"],
              "port": default["PORT"]}
    name = f"comptoir_migrate_{uuid.uuid4().hex[:12]}"
    url = f"postgres://{quote(server['user'])}:{quote(server['password'])}@{server['host']}:{server['port']}/{name}"
    with closing(psycopg2.connect(dbname="postgres", **server)) as maintenance:
        maintenance.autocommit = True
        maintenance.cursor().execute(f'CREATE DATABASE "{name}"')
        try:
            yield url, lambda: psycopg2.connect(dbname=name, **server)
        finally:
            maintenance.cursor().execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_shop_database_from_before_the_checkout_app_migrates_forward_with_nothing_lost(shop_database, tmp_path):
    database_url, connect = shop_database
    old_tree = tmp_path / "old"
    old_tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
    manage(old_tree, database_url, "migrate", "--noinput")
    manage(old_tree, database_url, "seed_demo", "--no-images")
    manage(old_tree, database_url, "shell", "-c", OLD_SHOP_TAKES_ORDERS)
    before = figures(connect, OLD_TABLES)
    cart_type = cart_content_type(connect, "orders")
    assert before["orders"][0][0] == 2
    assert before["invoices"][0][0] == 2
    assert before["payments"][0][0] == 1
    assert before["carts"] == [(3,)]
    assert before["cart lines"] == [(3, 6)]  # the two carts checked out were emptied
    assert before["allocations"][0][1] == before["stock"][0][2] == 12  # two orders of 3 products × 2 units, held
    assert [kind for kind, *_sums in before["ledger"]] == ["online_reservation", "receipt"]

    manage(ROOT, database_url, "migrate", "--noinput")

    assert figures(connect, current_tables()) == before
    # The cart's content type moved with it: permissions given on carts stay attached.
    assert cart_content_type(connect, "checkout") == cart_type != []
    assert cart_content_type(connect, "orders") == []
    manage(ROOT, database_url, "makemigrations", "--check", "--dry-run")
