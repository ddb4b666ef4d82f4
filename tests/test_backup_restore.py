"""The backup and restore of "Run it in production" (README), run as written: scripts/backup.sh dumps a Postgres
database holding a shop's data (an order with its invoice and ledger, the seller's identity) and archives the media
and private-media folders; scripts/restore.sh puts them into a fresh database and empty folders; every table has
the same rows and the files are back.

The source is the suite's own test database, migrated already (a scratch database migrated from nothing takes
longer than this whole test); the data is committed (transaction=True) so that pg_dump, another process, sees it."""

import os
import subprocess
import uuid
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from core.models import SellerIdentity
from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _counts(url: str) -> dict[str, int]:
    with closing(psycopg2.connect(url)) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def _one(url: str, sql: str):
    with closing(psycopg2.connect(url)) as db, db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / script), *args], env={**os.environ, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=50, check=False)


def test_a_backup_restores_into_a_fresh_database_with_its_files(tmp_path, canada, mug, kettle):  # noqa: F811
    SellerIdentity.objects.create(legal_name="Comptoir Inc.", address="200 rue Peel", gst_hst_number="123456789 RT0001")
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    cart_add(cart=cart, variant_id=kettle.pk, quantity=1)
    order = order_place(cart=cart, language="en", details=CheckoutDetails(
        email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay", ship_address="100 8 Ave SW",
        ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9", delivery_method_id=canada.pk,
        payment_method="cheque"))
    media, private = tmp_path / "media", tmp_path / "private-media"
    (media / "products").mkdir(parents=True)
    (media / "products" / "mug.jpg").write_bytes(b"\xff\xd8 a picture")
    (private / "quotes").mkdir(parents=True)
    (private / "quotes" / "plan.pdf").write_bytes(b"%PDF a plan")
    source = _url(connection.settings_dict["NAME"])
    restored_name = f"comptoir_backup_restored_{uuid.uuid4().hex[:8]}"
    restored = _url(restored_name)
    back_media, back_private = tmp_path / "restored-media", tmp_path / "restored-private"

    try:
        backup = _run("backup.sh", str(tmp_path / "backups"),
                      env={"DATABASE_URL": source, "MEDIA_ROOT": str(media), "PRIVATE_MEDIA_ROOT": str(private)})
        assert backup.returncode == 0, backup.stderr
        folder = backup.stdout.strip().splitlines()[-1]
        restore = _run("restore.sh", folder, env={"DATABASE_URL": restored, "MEDIA_ROOT": str(back_media),
                                                  "PRIVATE_MEDIA_ROOT": str(back_private)})
        assert restore.returncode == 0, restore.stderr
        again = _run("restore.sh", folder, env={"DATABASE_URL": restored, "MEDIA_ROOT": str(back_media),
                                                "PRIVATE_MEDIA_ROOT": str(back_private)})

        before, after = _counts(source), _counts(restored)
        assert after == before
        assert before["orders_order"] == 1 and before["inventory_stockmovement"] >= 2 and before["auth_group"] == 6
        # money is stored in cents (core.money.MoneyField): 2 × $18.00 + $79.00 + $14.50, GST 5 %: $135.98
        assert order.total == Decimal("135.98")
        assert _one(restored, f"SELECT total, status FROM orders_order WHERE number = '{order.number}'") == (
            13598, "received")
        assert _one(restored, "SELECT gst_hst_number FROM core_selleridentity") == ("123456789 RT0001",)
        assert (back_media / "products" / "mug.jpg").read_bytes() == b"\xff\xd8 a picture"
        assert (back_private / "quotes" / "plan.pdf").read_bytes() == b"%PDF a plan"
        # a database that already holds tables is never restored into
        assert again.returncode == 3 and "restore into a new database name" in again.stderr
    finally:
        with closing(psycopg2.connect(_url("postgres"))) as db:
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
