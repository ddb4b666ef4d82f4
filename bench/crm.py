"""Growth of the customer side: the nightly customer scores and the pages that list orders, with 100,000 orders and
20,000 customers on PostgreSQL.

Run from the repository root (Postgres up; the database is created and loaded when missing, about a minute once):
    .venv/bin/python bench/crm.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other_db .venv/bin/python bench/crm.py

bench/run.py can call crm_report(report) (import it as `from bench.crm import crm_report`, with the repository root
on sys.path: a plain `import crm` is the CRM app): it runs this script in its own process (it needs its own database
and Django set up on it) and passes each printed line to `report`. See bench/README.md for what the figures mean.
"""

import argparse
import csv
import datetime
import io
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/comptoir_bench_crm"

CUSTOMERS = 20_000
ORDERS = 100_000
WITH_ACCOUNT_EVERY = 4  # one customer in 4 has a user account (the heavy buyer always does)
EMAIL_DOMAIN = "bench-crm.example"
ORDER_PREFIX = "BC-"
FIRST_DAY = datetime.date(2023, 12, 1)  # orders are spread over three years, the same every time
LAST_DAY = datetime.date(2026, 11, 30)
SEED = 15
SCORES_TARGET_S = 60.0
PAGE_RUNS = 5  # timed requests per page (after one warm-up); the median is reported
ZERO = Decimal("0.00")


# --- the database ------------------------------------------------------------------------------------------------


def database_ensure(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                            password=parts.password, dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def django_setup(url: str) -> None:
    import django

    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DATABASE_URL": url,
        "CACHE_URL": "locmemcache://bench-crm",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "dummymail://",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # DEBUG off wants a key of its own
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Static URLs without collectstatic's manifest: this measures the pages, not the static files.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    })
    sys.path.insert(0, str(ROOT))
    django.setup()


def copy_rows(model, objects: list) -> None:
    """Insert unsaved model instances with one COPY: each value goes through its field's own conversion (money in
    cents, aware datetimes), as a save would; auto_now fields keep a value already set."""
    from django.db import connection
    from django.utils import timezone

    if not objects:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for obj in objects:
        row = []
        for field in fields:
            value = getattr(obj, field.attname)
            if value is None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
                value = now
            value = field.get_db_prep_save(value, connection)
            row.append(r"\N" if value is None else value)
        writer.writerow(row)
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN "
            r"WITH (FORMAT csv, NULL '\N')", buffer)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _order_counts(rng: random.Random) -> list[int]:
    """Orders per customer: everyone has one, the other 80,000 go by a Zipf-like law (the biggest buyer about 600,
    a long tail of one-order customers), so the 80/20 report and the tiers have something to find."""
    weights = [1 / (rank + 1) ** 0.6 for rank in range(CUSTOMERS)]
    total = sum(weights)
    extra = ORDERS - CUSTOMERS
    counts = [1 + int(extra * w / total) for w in weights]
    leftover = ORDERS - sum(counts)
    for i in range(leftover):
        counts[i % CUSTOMERS] += 1
    heavy = counts[0]
    rest = counts[1:]
    rng.shuffle(rest)  # the heavy buyer stays customer 0; the others' sizes are not in the order of their pks
    return [heavy, *rest]


def data_present() -> bool:
    from crm.models import Contact
    from orders.models import Order

    return (Order.objects.filter(number__startswith=ORDER_PREFIX).count() == ORDERS
            and Contact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == CUSTOMERS)


def data_load() -> None:
    """20,000 customer contacts (one in four with a user account), 100,000 orders with their lines, invoices,
    payments and refunds; deterministic (seeded), in one transaction, so a killed load leaves nothing half done."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import ProductVariant
    from crm.models import Contact
    from orders.models import DeliveryMethod, Order, OrderLine, TaxRate
    from orders.rates import rates_and_delivery_seed
    from payments.models import Invoice, Payment, Refund

    rng = random.Random(SEED)
    User = get_user_model()
    tz = timezone.get_current_timezone()
    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    delivery = DeliveryMethod.objects.get(code="standard")
    variants = list(ProductVariant.objects.select_related("product").order_by("pk")[:40])
    if not variants:
        raise SystemExit("No product variants: seed_demo did not run.")
    provinces = [("AB", "Calgary", "T2P 1J9"), ("BC", "Vancouver", "V6B 1A1"), ("ON", "Toronto", "M5H 2N2"),
                 ("QC", "Montréal", "H2Y 1C6"), ("MB", "Winnipeg", "R3C 0V8")]
    span = (LAST_DAY - FIRST_DAY).days
    S = Order.Status
    statuses = [S.DELIVERED] * 85 + [S.SHIPPED] * 4 + [S.PAID] * 2 + [S.PREPARING] * 1 + [S.RECEIVED] * 3 \
        + [S.CANCELLED] * 3 + [S.EXPIRED] * 2

    with transaction.atomic():
        Order.objects.filter(number__startswith=ORDER_PREFIX).delete()  # a partial load from older code
        Contact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()

        password = make_password("bench")
        users = User.objects.bulk_create([
            User(username=f"bc{i:05d}", email=f"bc{i:05d}@{EMAIL_DOMAIN}", password=password,
                 first_name="Bench", last_name=f"Customer {i}")
            for i in range(0, CUSTOMERS, WITH_ACCOUNT_EVERY)], batch_size=2000)
        user_of = {int(u.username[2:]): u for u in users}
        contacts = []
        for i in range(CUSTOMERS):
            province, city, postal = provinces[i % len(provinces)]
            user = user_of.get(i)
            contacts.append(Contact(kind=Contact.Kind.CUSTOMER, name=f"Bench Customer {i}",
                                    email=f"bc{i:05d}@{EMAIL_DOMAIN}", user=user, city=city, province=province,
                                    postal_code=postal))
        Contact.objects.bulk_create(contacts, batch_size=2000)

        orders, plans = [], []
        number = 0
        for i, count in enumerate(_order_counts(rng)):
            spend = rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 4, 8))  # some customers buy more of each item
            user = user_of.get(i)
            province, city, postal = provinces[i % len(provinces)]
            email = f"bc{i:05d}@{EMAIL_DOMAIN}"
            for _ in range(count):
                number += 1
                day = FIRST_DAY + datetime.timedelta(days=rng.randrange(span + 1))
                created = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 22), rng.randrange(60)),
                                                    tzinfo=tz)
                lines = []
                for variant in rng.sample(variants, rng.choice((1, 1, 2, 2, 3))):
                    quantity = rng.choice((1, 1, 1, 2, 3)) * spend
                    lines.append((variant, quantity))
                subtotal = sum((v.price * q for v, q in lines), ZERO)
                shipping, handling = Decimal("12.00"), Decimal("2.50")
                tax = _cents((subtotal + shipping + handling) * Decimal("0.05"))
                status = rng.choice(statuses)
                method = Order.PaymentMethod.CARD if rng.random() < 0.75 else Order.PaymentMethod.CHEQUE
                orders.append(Order(
                    number=f"{ORDER_PREFIX}{number:07d}", user=user, status=status, email=email,
                    ship_name=f"Bench Customer {i}", ship_address=f"{i} Main Street", ship_city=city,
                    ship_province=province, ship_postal_code=postal, delivery_method=delivery,
                    delivery_label="Standard", payment_method=method, promised_on=day + datetime.timedelta(days=8),
                    subtotal=subtotal, shipping=shipping, handling=handling, tax_total=tax,
                    total=subtotal + shipping + handling + tax, created_at=created, updated_at=created))
                plans.append(lines)
        copy_rows(Order, orders)
        ids = dict(Order.objects.filter(number__startswith=ORDER_PREFIX).values_list("number", "pk"))

        order_lines, invoices, payments = [], [], []
        paid_statuses = {S.DELIVERED, S.SHIPPED, S.PAID, S.PREPARING, S.CANCELLED}
        for order, lines in zip(orders, plans, strict=True):
            order.pk = ids[order.number]
            for variant, quantity in lines:
                order_lines.append(OrderLine(order_id=order.pk, variant=variant, sku=variant.sku,
                                             name=variant.product.name, unit_price=variant.price, quantity=quantity,
                                             line_total=variant.price * quantity))
            day = timezone.localdate(order.created_at)
            paid = order.total if order.status in paid_statuses else ZERO
            refunded = credited = ZERO
            if order.status == S.DELIVERED and rng.random() < 0.02:  # a returned item, refunded with its credit
                refunded = credited = lines[0][0].price
            elif order.status == S.CANCELLED:  # paid, cancelled, refunded in full
                refunded = paid
            void = order.status in (S.CANCELLED, S.EXPIRED)
            invoices.append(Invoice(
                order_id=order.pk, number=f"INV-{order.number}", amount=order.total, amount_paid=paid,
                amount_refunded=refunded, amount_credited=credited, issued_on=day,
                due_on=day + datetime.timedelta(days=0 if order.payment_method == "card" else 14),
                status=Invoice.Status.VOID if void else (Invoice.Status.PAID if paid else Invoice.Status.OPEN),
                voided_on=day + datetime.timedelta(days=1) if void else None))
            if paid:
                payments.append(Payment(
                    order_id=order.pk, method=order.payment_method, status=Payment.Status.SUCCEEDED, amount=paid,
                    reference=order.number, received_on=day, created_at=order.created_at,
                    updated_at=order.created_at))
        copy_rows(OrderLine, order_lines)
        copy_rows(Invoice, invoices)
        copy_rows(Payment, payments)

        payment_ids = dict(Payment.objects.filter(order__number__startswith=ORDER_PREFIX)
                           .values_list("order_id", "pk"))
        refunds = []
        for order, invoice in zip(orders, invoices, strict=True):
            if invoice.amount_refunded:
                at = order.created_at + datetime.timedelta(days=2)
                refunds.append(Refund(
                    payment_id=payment_ids[order.pk], order_id=order.pk, amount=invoice.amount_refunded,
                    reason="Cancelled" if order.status == S.CANCELLED else "Returned item",
                    status=Refund.Status.SUCCEEDED, refunded_at=at, created_at=at, updated_at=at))
        copy_rows(Refund, refunds)
    with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
        cursor.execute("ANALYZE")


# --- measuring ---------------------------------------------------------------------------------------------------


@contextmanager
def sql_counted():
    """Counts the SQL statements run on the default connection, without keeping them (cheap even for thousands)."""
    from django.db import connection

    counter = {"n": 0}

    def count(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def scores_time(report) -> None:
    from crm.models import CustomerScore
    from jobs.models import JobRun
    from jobs.services import job_run

    with sql_counted() as sql:
        wall, cpu = time.perf_counter(), time.process_time()
        run = job_run(job="customer-scores", trigger=JobRun.Trigger.ADMIN)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if run is None or run.status != JobRun.Status.OK:
        report(f"  customer scores job did not finish: {run and run.error or 'already running'}")
        return
    flagged = CustomerScore.objects.filter(churn_risk=True).count()
    top = CustomerScore.objects.filter(tier=CustomerScore.Tier.TOP).count()
    verdict = "met" if wall < SCORES_TARGET_S else "NOT MET"
    report(f"  nightly customer scores (jobs: customer-scores): {run.result or 0} customers scored, {top} top, "
           f"{flagged} about to be lost")
    report(f"    wall {wall:.2f} s, CPU of this process {cpu:.2f} s (the rest is Postgres), {sql['n']} SQL; "
           f"target < {SCORES_TARGET_S:.0f} s: {verdict}")


def page_measure(client, path: str) -> tuple[int, float, float, int]:
    """SQL count, median CPU ms and wall ms over PAGE_RUNS requests (after one warm-up), and the page's size."""
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}, expected 200.")
    with sql_counted() as sql:
        client.get(path)
    cpu, wall = [], []
    for _ in range(PAGE_RUNS):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    return sql["n"], statistics.median(cpu), statistics.median(wall), len(response.content)


def pages_time(report) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from orders.models import Order

    User = get_user_model()
    heavy = User.objects.get(username="bc00000")
    orders = Order.objects.filter(user=heavy)
    latest = orders.order_by("-created_at", "-pk").first()
    customer = Client(HTTP_HOST="localhost")
    customer.force_login(heavy)
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    pages = [
        ("customer", f"order history, page 1 ({orders.count()} orders)", reverse("crm:account_orders")),
        ("customer", "order history, page 20", reverse("crm:account_orders") + "?page=20"),
        ("customer", "order detail (latest order)", reverse("orders:order_detail", args=[latest.number])),
        ("customer", "account statement", reverse("payments:statement")),
        ("customer", "addresses", reverse("accounts:address_list")),
        ("staff", f"admin orders, page 1 of {Order.objects.count()}", reverse("admin:orders_order_changelist")),
        ("staff", "admin orders, status=delivered", reverse("admin:orders_order_changelist") + "?status=delivered"),
        ("staff", "admin contacts, page 1", reverse("admin:crm_contact_changelist")),
        ("staff", "admin customer scores, page 1", reverse("admin:crm_customerscore_changelist")),
        ("staff", "admin invoices, page 1", reverse("admin:payments_invoice_changelist")),
    ]
    report(f"  {'page':<42} {'SQL':>4} {'CPU ms':>8} {'wall ms':>8} {'KB':>6}")
    for who, label, path in pages:
        count, cpu, wall, size = page_measure(customer if who == "customer" else staff, path)
        report(f"  {label:<42} {count:>4} {cpu:>8.1f} {wall:>8.1f} {size / 1024:>6.0f}")
    report("  (in-process test client, median of 5 after a warm-up; CPU: this process, Python side; SQL: the count "
           "the tests pin)")


def bench(report, url: str) -> None:
    report(f"CRM at scale: {ORDERS:,} orders, {CUSTOMERS:,} customers on {urlsplit(url).path.lstrip('/')}")
    database_ensure(url)
    django_setup(url)
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", no_images=True, verbosity=0, stdout=io.StringIO())
    if data_present():
        report(f"  data already loaded (migrate and seed_demo checked in {time.monotonic() - started:.0f} s)")
    else:
        data_load()
        report(f"  database migrated and loaded in {time.monotonic() - started:.0f} s")
    scores_time(report)
    pages_time(report)


def crm_report(report) -> None:
    """For bench/run.py: run this benchmark in its own process (its own database and Django settings) and pass
    each line it prints to `report`."""
    env = {**os.environ, "DATABASE_URL": os.environ.get("CRM_BENCH_DATABASE_URL", DATABASE_URL)}
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        report(line.rstrip("\n"))
    if process.wait() != 0:
        report(f"  bench/crm.py ended with exit status {process.returncode}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = DATABASE_URL
    bench(lambda text="": print(text, flush=True), url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
