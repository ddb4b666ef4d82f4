"""Dashboards at scale: every dashboard page (dashboards.views.PAGES) with 100,000 orders, 20,000 customers and 5,000
products on PostgreSQL, rendered in-process as a Manager, against issue 16's targets: at most 25 SQL statements and
under 1 s a page.

Run from the repository root (Postgres up; the database is created and loaded when missing, a few minutes once):
    .venv/bin/python bench/dashboards.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other_db .venv/bin/python bench/dashboards.py
    .venv/bin/python bench/dashboards.py --skip-middleware     # leave out the request-metrics middleware's figures

1. The database: bench/crm.py's loader (20,000 customers, 100,000 orders over three years with their lines,
   invoices, payments and refunds) on `seed_demo --products 5000`, in a database of its own (comptoir_bench_dashboards:
   the rows added below would change what bench/crm.py measures). Then what the dashboards read and that loader does
   not write, deterministic (seeded): the shipments of shipped and delivered orders (delivered ones with their
   delivery), the card orders' "paid" events, backorders on orders waiting to ship, cost prices (nine SKUs in ten),
   stock at the stores and reorder points, the stock ledger's online and counter sales, the nightly customer scores,
   some outbox emails and job runs, and 90 days of request counts (per minute for two days, per hour before, as the
   monitoring app keeps them; reloaded every run so they end now).
2. Each page of PAGES, for "Last 30 days" and "This year": one warm-up, the SQL statements of one request, then the
   median of 5 requests: wall time (Django and Postgres) and this process's CPU time.
3. The request-metrics middleware's CPU per request (bench/site_metrics.py, its own process).

The report is printed and saved to bench/results/dashboards-latest.txt; the exit status is 1 only when the benchmark
cannot run (a target not met is reported, not an error).
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import crm as crm_bench  # noqa: E402  (its database helpers and loader: customers, orders, money)
from bench import run as base  # noqa: E402  (report helpers)
from bench import site_metrics  # noqa: E402  (the middleware's CPU per request)

BenchError = base.BenchError
REPORT_PATH = base.RESULTS / "dashboards-latest.txt"
DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/comptoir_bench_dashboards"
PRODUCTS = 5_000
PRESETS = [("30d", "Last 30 days"), ("year", "This year")]
RUNS = 5
SQL_TARGET = 25
WALL_TARGET_MS = 1000.0
SEED = 16
MANAGER = "bench-manager"
CARRIER = "bench-dash"
STORE_SKUS = 2_000  # SKUs stocked at each store
COUNTER_SALES = 20_000  # counter sale lines in the ledger, over the orders' three years
REQUEST_PAGES = [  # (URL name, share of the traffic): what the shop's visitors and staff ask for most
    ("storefront:home", 20), ("catalog:product_detail", 30), ("catalog:category", 15), ("catalog:search", 8),
    ("checkout:cart", 5), ("checkout:checkout", 3), ("checkout:place_order", 1), ("accounts:login", 2),
    ("crm:account_orders", 2), ("orders:order_detail", 2), ("help:contact", 1), ("help:faq", 1), ("static", 4),
    ("unresolved", 2), ("admin:index", 1), ("admin:orders_order_changelist", 1), ("admin:orders_order_change", 1),
    ("admin:shipping_shipment_changelist", 0.5), ("admin:catalog_product_changelist", 0.5),
    ("admin:inventory_stock_changelist", 0.5), ("dashboards:sales", 0.2), ("dashboards:fulfilment", 0.1),
    ("dashboards:stock", 0.1), ("dashboards:customers", 0.1), ("dashboards:site", 0.1), ("metrics", 0.2),
    *[(f"pages:page_{n}", 0.1) for n in range(14)],
]
# Share of a page's requests per latency bucket (monitoring.models.LATENCY_EDGES_MS, then slower).
LATENCY_SHAPE = (0.10, 0.45, 0.25, 0.10, 0.05, 0.03, 0.01, 0.005, 0.003, 0.001, 0.001)


# --- the data the dashboards read --------------------------------------------------------------------------------


def extras_present() -> bool:
    from shipping.models import Shipment

    return Shipment.objects.filter(carrier__code=CARRIER).exists()


def extras_load(report) -> None:
    """What crm_bench.data_load does not write and the dashboards read, in one transaction (see the module
    docstring); deterministic."""
    from django.db import connection, transaction

    from catalog.models import ProductVariant
    from inventory.locations import StockLocation
    from inventory.models import Stock, StockMovement
    from orders.models import Order, OrderEvent, OrderLine
    from shipping.models import Carrier, Shipment

    rng = random.Random(SEED)
    S = Order.Status
    started = time.monotonic()
    with transaction.atomic():
        carrier, _created = Carrier.objects.get_or_create(code=CARRIER, defaults={"name": "Bench Post"})
        orders = list(Order.objects.filter(number__startswith=crm_bench.ORDER_PREFIX).order_by("pk")
                      .values_list("pk", "created_at", "status", "payment_method"))
        shipments, events, shipped_at = [], [], {}
        for pk, created, status, method in orders:
            if method == Order.PaymentMethod.CARD and status not in (S.RECEIVED, S.EXPIRED):
                events.append(OrderEvent(order_id=pk, status=S.PAID, note="bench",
                                         created_at=created + datetime.timedelta(minutes=rng.randrange(1, 30))))
            if status in (S.SHIPPED, S.DELIVERED):
                left = created + datetime.timedelta(hours=rng.choice((4, 18, 26, 30, 44, 50, 70, 100)))
                delivered = (left + datetime.timedelta(days=rng.choice((1, 2, 3, 4, 5, 6, 9)))
                             if status == S.DELIVERED else None)
                shipments.append(Shipment(order_id=pk, carrier=carrier, tracking_number=f"BD{pk:09d}",
                                          shipped_at=left, delivered_at=delivered))
                shipped_at[pk] = left
        crm_bench.copy_rows(Shipment, shipments)
        crm_bench.copy_rows(OrderEvent, events)

        # Backorders: one waiting order in four has its first line waiting for stock.
        waiting = [pk for pk, _c, status, _m in orders if status in (S.PAID, S.PREPARING)][::4]
        first_lines = (OrderLine.objects.filter(order_id__in=waiting).order_by("order_id", "pk")
                       .distinct("order_id").values_list("pk", flat=True))
        OrderLine.objects.filter(pk__in=list(first_lines)).update(backordered=1)

        with connection.cursor() as cursor:  # cost prices (integer cents), nine SKUs in ten
            cursor.execute("UPDATE catalog_productvariant SET cost_price = price * 55 / 100 "
                           "WHERE cost_price IS NULL AND id % 10 <> 0")

        warehouse = StockLocation.objects.filter(ships_online=True).order_by("priority", "pk").first()
        stores = list(StockLocation.objects.filter(kind=StockLocation.Kind.STORE).order_by("priority", "pk"))
        variants = list(ProductVariant.objects.order_by("pk").values_list("pk", flat=True))
        existing = set(Stock.objects.values_list("variant_id", "location_id"))
        new_stock = []
        for store in stores:
            for variant in rng.sample(variants, min(STORE_SKUS, len(variants))):
                if (variant, store.pk) not in existing:
                    new_stock.append(Stock(variant_id=variant, location=store,
                                           on_hand=rng.choice((0, 1, 2, 5, 8, 12, 20)),
                                           reorder_point=rng.choice((None, None, 2, 4))))
                    existing.add((variant, store.pk))
        sold = set(OrderLine.objects.filter(order__number__startswith=crm_bench.ORDER_PREFIX)
                   .values_list("variant_id", flat=True).distinct())
        for variant in sold:
            if (variant, warehouse.pk) not in existing:
                new_stock.append(Stock(variant_id=variant, location=warehouse, on_hand=500))
                existing.add((variant, warehouse.pk))
        crm_bench.copy_rows(Stock, new_stock)
        with connection.cursor() as cursor:  # reorder points on one warehouse row in five; one in fifty sold out
            cursor.execute("UPDATE inventory_stock SET reorder_point = 10 WHERE reorder_point IS NULL AND id %% 5 = 0 "
                           "AND location_id = %s", [warehouse.pk])
            cursor.execute("UPDATE inventory_stock SET on_hand = 0, reserved = 0 WHERE id % 50 = 0")
        stock_id = dict(((v, loc), pk) for pk, v, loc in Stock.objects.values_list("pk", "variant_id", "location_id"))

        movements = []
        lines = (OrderLine.objects.filter(order_id__in=list(shipped_at)).order_by("pk")
                 .values_list("order_id", "variant_id", "quantity"))
        for order_id, variant, quantity in lines:  # the online sales the shipments took off the shelf
            movements.append(StockMovement(
                stock_id=stock_id[(variant, warehouse.pk)], variant_id=variant, location=warehouse,
                kind=StockMovement.Kind.ONLINE_SALE, on_hand_delta=-quantity, reserved_delta=-quantity,
                on_hand_after=400, reserved_after=0, reference="bench", created_at=shipped_at[order_id]))
        store_rows = [(key, pk) for key, pk in stock_id.items() if key[1] in {s.pk for s in stores}]
        prices = dict(ProductVariant.objects.values_list("pk", "price"))  # a counter sale at the catalogue price
        span = (crm_bench.LAST_DAY - crm_bench.FIRST_DAY).days
        tz = datetime.UTC
        for _ in range(COUNTER_SALES):
            (variant, location), pk = rng.choice(store_rows)
            day = crm_bench.FIRST_DAY + datetime.timedelta(days=rng.randrange(span + 1))
            movements.append(StockMovement(
                stock_id=pk, variant_id=variant, location_id=location, kind=StockMovement.Kind.IN_STORE_SALE,
                on_hand_delta=-rng.choice((1, 1, 1, 2, 3)), reserved_delta=0, on_hand_after=5, reserved_after=0,
                reference="bench till", unit_price=prices[variant], created_at=datetime.datetime.combine(
                    day, datetime.time(rng.randrange(16, 23), rng.randrange(60)), tzinfo=tz)))
        crm_bench.copy_rows(StockMovement, movements)
        queue_rows_load(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report(f"  dashboards' rows added in {time.monotonic() - started:.0f} s: {len(shipments):,} shipments, "
           f"{len(events):,} paid events, {len(new_stock):,} stock rows, {len(movements):,} ledger lines")


def queue_rows_load(rng: random.Random) -> None:
    """Outbox emails (most sent, some waiting, a few failed) and a month of periodic job runs."""
    from django.conf import settings
    from django.utils import timezone

    from jobs.models import JobRun
    from outbox.models import OutboxEmail

    now = timezone.now()
    emails = []
    for n in range(5_000):
        created = now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 30))
        status = rng.choices(["sent", "pending", "failed"], weights=(97, 2, 1))[0]
        emails.append(OutboxEmail(to=f"bd{n}@{crm_bench.EMAIL_DOMAIN}", subject="Your order", text_body="Thanks.",
                                  reference=f"BD-{n}", status=status, attempts=5 if status == "failed" else 1,
                                  created_at=created, sent_at=created if status == "sent" else None))
    OutboxEmail.objects.bulk_create(emails, batch_size=1000)  # a JSON field: not through copy_rows' CSV
    runs = []
    for job in settings.SHOP_JOBS:
        for hour in range(0, 24 * 30, 6):
            started = now - datetime.timedelta(hours=hour)
            failed = rng.random() < 0.05
            runs.append(JobRun(job=job, trigger=JobRun.Trigger.BEAT, status="failed" if failed else "ok",
                               started_at=started, finished_at=started + datetime.timedelta(seconds=2),
                               error="OperationalError: bench" if failed else ""))
    JobRun.objects.bulk_create(runs, batch_size=1000)


def request_minutes_load(report) -> None:
    """90 days of request counts ending now, as the monitoring app keeps them: a row per page and minute for the
    last two days, per page and hour before (the nightly roll-up). Replaces the rows of an earlier run."""
    from django.db import transaction
    from django.utils import timezone

    from monitoring.models import COUNTER_FIELDS, RequestMinute

    rng = random.Random(SEED)
    now = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0)
    recent_from = (now - datetime.timedelta(days=2)).replace(minute=0)
    first_hour = recent_from - datetime.timedelta(days=88)
    total_weight = sum(weight for _name, weight in REQUEST_PAGES)

    def row(minute: datetime.datetime, view_name: str, requests: int) -> RequestMinute:
        buckets = [int(requests * share) for share in LATENCY_SHAPE]
        buckets[1] += requests - sum(buckets)
        server = sum(1 for _ in range(min(requests, 50)) if rng.random() < 0.003)
        client = sum(1 for _ in range(min(requests, 50)) if rng.random() < 0.01)
        counts = dict(zip(COUNTER_FIELDS, [requests, server, client, requests * 18_000, *buckets], strict=True))
        return RequestMinute(minute=minute, view_name=view_name, **counts)

    rows = []
    per_minute = 40  # requests a minute, whole site, on average
    hour = first_hour
    while hour < recent_from:
        for name, weight in REQUEST_PAGES:
            requests = rng.randrange(int(per_minute * 60 * weight / total_weight * 2) + 1)
            if requests:
                rows.append(row(hour, name, requests))
        hour += datetime.timedelta(hours=1)
    minute = recent_from
    while minute <= now:
        for name, weight in REQUEST_PAGES:
            expected = per_minute * weight / total_weight
            if rng.random() < min(expected, 1.0):
                rows.append(row(minute, name, max(1, round(expected * rng.uniform(0.5, 1.5)))))
        minute += datetime.timedelta(minutes=1)
    with transaction.atomic():
        RequestMinute.objects.all().delete()
        crm_bench.copy_rows(RequestMinute, rows)
    report(f"  request counts: {len(rows):,} rows over 90 days (minutes for the last two days, hours before)")


def scores_ensure(report) -> None:
    from crm.models import CustomerScore
    from jobs.models import JobRun
    from jobs.services import job_run

    if CustomerScore.objects.exists():
        return
    started = time.monotonic()
    run = job_run(job="customer-scores", trigger=JobRun.Trigger.ADMIN)
    if run is None or run.status != JobRun.Status.OK:
        raise BenchError(f"The customer scores job did not finish: {run and run.error or 'already running'}")
    report(f"  nightly customer scores computed in {time.monotonic() - started:.0f} s")


def manager_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from staff.roles import MANAGERS

    user, _created = get_user_model().objects.get_or_create(username=MANAGER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=MANAGERS))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


# --- measuring ---------------------------------------------------------------------------------------------------


def page_time(client, path: str) -> tuple[int, float, float, int]:
    """SQL statements of one request, median wall and CPU ms of RUNS requests after a warm-up, the page's size."""
    response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code}, expected 200.")
    with crm_bench.sql_counted() as sql:
        client.get(path)
    wall, cpu = [], []
    for _ in range(RUNS):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        wall.append((time.perf_counter() - started_wall) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return sql["n"], statistics.median(wall), statistics.median(cpu), len(response.content)


def pages_time(report) -> list[str]:
    """Every page of PAGES for each preset; returns the lines of the targets not met."""
    from django.urls import reverse

    from dashboards.views import PAGES

    client = manager_client()
    missed = []
    report(f"  {'page':<14} {'range':<13} {'SQL':>4} {'wall ms':>9} {'CPU ms':>8} {'KB':>5}   "
           f"targets: SQL <= {SQL_TARGET}, wall < {WALL_TARGET_MS / 1000:g} s")
    for page in PAGES:
        for preset, label in PRESETS:
            path = f"{reverse(f'dashboards:{page.slug}')}?range={preset}"
            count, wall, cpu, size = page_time(client, path)
            sql_ok, wall_ok = count <= SQL_TARGET, wall < WALL_TARGET_MS
            verdict = "met" if sql_ok and wall_ok else "NOT MET"
            report(f"  {page.slug:<14} {label:<13} {count:>4} {wall:>9.1f} {cpu:>8.1f} {size / 1024:>5.0f}   {verdict}")
            if not sql_ok:
                missed.append(f"{page.slug} ({label}): {count} SQL statements")
            if not wall_ok:
                missed.append(f"{page.slug} ({label}): {wall:.0f} ms")
    report(f"  (in-process test client as a Manager, median of {RUNS} after a warm-up; wall: Django and Postgres, "
           "CPU: this process)")
    return missed


def bench(report, url: str, *, middleware: bool) -> None:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    report(f"Dashboards at scale: {crm_bench.ORDERS:,} orders, {crm_bench.CUSTOMERS:,} customers, {PRODUCTS:,} "
           f"catalogue products on {name} ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})")
    try:
        crm_bench.database_ensure(url)
    except psycopg2.OperationalError as exc:
        raise BenchError(f"Cannot reach PostgreSQL for {name}: {exc} (scripts/ensure-services.sh starts it)") from exc
    os.environ["SHOP_MONITORING_FLUSH_SECONDS"] = "0"  # the timed requests are not counted into the figures read
    crm_bench.django_setup(url)
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", products=PRODUCTS, no_images=True, verbosity=0, stdout=io.StringIO())
    if not crm_bench.data_present():
        crm_bench.data_load()
        report(f"  customers and orders loaded (bench/crm.py's loader) in {time.monotonic() - started:.0f} s")
    if not extras_present():
        extras_load(report)
    scores_ensure(report)
    request_minutes_load(report)
    report(f"  database ready in {time.monotonic() - started:.0f} s")
    report()
    missed = pages_time(report)
    if middleware:
        report()
        site_metrics.site_metrics_report(report)
    report()
    if missed:
        report("Targets NOT MET: " + "; ".join(missed))
    else:
        report(f"Every dashboard page: at most {SQL_TARGET} SQL statements and under {WALL_TARGET_MS / 1000:g} s: met")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-middleware", action="store_true",
                        help="leave out the request-metrics middleware's CPU figures (bench/site_metrics.py)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = DATABASE_URL
    return base.report_run(REPORT_PATH, lambda report: bench(report, url, middleware=not args.skip_middleware))[0]


def dashboards_report(report) -> None:
    """For bench/run.py: run this benchmark in its own process (its own database and Django settings) and pass each
    line it prints to `report`."""
    import subprocess

    env = {**os.environ, "DATABASE_URL": os.environ.get("DASHBOARDS_BENCH_DATABASE_URL", DATABASE_URL)}
    # The middleware's figures are bench/run.py's own "sitemetrics" section.
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--skip-middleware"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        report(line.rstrip("\n"))
    if process.wait() != 0:
        report(f"  bench/dashboards.py ended with exit status {process.returncode}")


if __name__ == "__main__":
    sys.exit(main())
