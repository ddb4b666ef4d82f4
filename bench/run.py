"""Load benchmark of the catalogue pages (home, category, product) on Postgres + gunicorn + Redis, driven by wrk.

Run from the repository root: `make bench`, or `.venv/bin/python bench/run.py [--duration SECONDS]`.
See bench/README.md for what it measures and how to read the report (also saved to bench/results/latest.txt).
"""

import argparse
import http.client
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent

PG_HOST, PG_PORT = "127.0.0.1", 5432
DB_NAME = "comptoir_bench"
DATABASE_URL = f"postgres://postgres:postgres@{PG_HOST}:{PG_PORT}/{DB_NAME}"
REDIS_PORT = 6379
REDIS_CACHE_URL = f"redis://127.0.0.1:{REDIS_PORT}/3"
UNCACHED_URL = "dummycache://"
HOST, PORT = "127.0.0.1", 8099

CATALOGUE_PRODUCTS = 5000
CATEGORY_SLUG = "books"  # one of the 10 top categories of the standard catalogue
PRODUCT_SKU = "SKU-00001"  # the first product of the standard catalogue (in Books)
WORKERS, THREADS, CONNECTIONS = 2, 2, 16
WARMUP_REQUESTS = 4  # per page, so that each worker has rendered its templates once
PAGE_SIZES = (12, 48)
TARGETS = {"category": 200.0, "product": 700.0}  # requests/s, from the issue; home: report only
BUSY_LOAD = 0.5  # 1-minute load average above which the machine is not idle enough for clean figures
CARD_MARKER = 'class="card h-100 product-card"'


class BenchError(Exception):
    """Something the benchmark needs is missing or broken: the message says what to do."""


@dataclass(frozen=True)
class Page:
    name: str
    path: str


@dataclass(frozen=True)
class WrkResult:
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    socket_errors: int


class Report:
    """Prints each line and keeps it for bench/results/latest.txt."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines) + "\n")


# --- prerequisites -------------------------------------------------------------------------------------------


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def services_check() -> None:
    hint = "start it with scripts/ensure-services.sh (`make bench` does)"
    if not port_open(PG_PORT):
        raise BenchError(f"PostgreSQL is not reachable on 127.0.0.1:{PG_PORT}: {hint}.")
    if not port_open(REDIS_PORT):
        raise BenchError(f"Redis is not reachable on 127.0.0.1:{REDIS_PORT}: {hint}.")
    if port_open(PORT):
        raise BenchError(f"Port {PORT} is already in use: stop whatever listens there (a previous bench run?).")


def wrk_ensure(report: Report) -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed: install it with `sudo apt-get install -y wrk`.")
    report("wrk is not installed: installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True)
    if installed.returncode != 0:  # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        installed = subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, text=True)
    if installed.returncode != 0 or not shutil.which("wrk"):
        raise BenchError(f"Could not install wrk with apt-get:\n{installed.stderr}")


# --- database ------------------------------------------------------------------------------------------------


def database_create() -> None:
    import psycopg2

    try:
        conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", password="postgres", dbname="postgres")
    except psycopg2.OperationalError as exc:
        raise BenchError(f"Cannot connect to PostgreSQL as postgres/postgres on {PG_HOST}:{PG_PORT}: {exc}") from exc
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        conn.close()


# DEBUG is off, as in production, so the settings want a key of their own: one per benchmark run.
BENCH_SECRET_KEY = secrets.token_urlsafe(50)


def django_env(cache_url: str) -> dict[str, str]:
    """The environment of every Django process of the benchmark: explicit, so a .env file cannot change it."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": cache_url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": BENCH_SECRET_KEY,
    }


def manage(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=django_env("locmemcache://bench"),
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def database_prepare(report: Report) -> None:
    started = time.monotonic()
    database_create()
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--products", str(CATALOGUE_PRODUCTS), "--no-images", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    report(f"Database {DB_NAME}: migrated, seeded ({CATALOGUE_PRODUCTS} catalogue products), static files collected "
           f"in {time.monotonic() - started:.0f} s")


# --- in-process measurements (Django set up in this process, locmem cache) -----------------------------------


def django_setup() -> None:
    import django

    os.environ.update(django_env("locmemcache://bench"))
    sys.path.insert(0, str(ROOT))
    django.setup()


def pages_find() -> list[Page]:
    from catalog.models import Category, Product

    category = Category.objects.filter(slug=CATEGORY_SLUG, parent=None).first()
    product = Product.objects.filter(variants__sku=PRODUCT_SKU).first()
    if category is None or product is None:
        raise BenchError(f"The seeded database has no '{CATEGORY_SLUG}' category or no product {PRODUCT_SKU}.")
    return [
        Page("home", "/"),
        Page("category", category.get_absolute_url()),
        Page("product", product.get_absolute_url()),
    ]


def cold_get(path: str) -> tuple[int, str]:
    """Query count and body of one request rendered with an empty cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="localhost").get(path)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code} in-process, expected 200.")
    return len(queries), response.content.decode()


def query_counts_report(report: Report, pages: list[Page]) -> None:
    from django.db import connections
    from django.test import override_settings

    report("SQL queries per page (in-process, cache cleared before each request: a cold render, the worst case)")
    for page in pages:
        count, _body = cold_get(page.path)
        report(f"  {page.name:<10} {count:>3} queries   {page.path}")
    category = next(p for p in pages if p.name == "category")
    counts = []
    for size in PAGE_SIZES:
        with override_settings(SHOP_PRODUCTS_PER_PAGE=size):
            count, body = cold_get(category.path)
        counts.append(count)
        report(f"  category, SHOP_PRODUCTS_PER_PAGE={size:<3} {body.count(CARD_MARKER):>3} products shown, "
               f"{count} queries")
    verdict = "constant (no N+1)" if len(set(counts)) == 1 else "NOT constant: it grows with the page size (N+1)"
    report(f"  query count vs page size: {verdict}")
    connections.close_all()


# --- load test -----------------------------------------------------------------------------------------------


def http_get(path: str) -> int:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def log_tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def server_wait(process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with code {process.returncode}; end of {log}:\n{log_tail(log)}")
        try:
            status = http_get("/")
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200:
            raise BenchError(f"gunicorn answers GET / with {status}; end of {log}:\n{log_tail(log)}")
        return
    raise BenchError(f"gunicorn did not answer within {timeout:.0f} s; end of {log}:\n{log_tail(log)}")


@contextmanager
def gunicorn_serving(cache_url: str, label: str) -> Iterator[int]:
    """Serve the shop with gunicorn for the duration of the block (which gets the master's pid); always stop it."""
    log = RESULTS / f"gunicorn-{label}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "gunicorn"), "shop.wsgi", "-w", str(WORKERS), "-b", f"{HOST}:{PORT}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=django_env(cache_url), stdout=out, stderr=subprocess.STDOUT)
        try:
            server_wait(process, log)
            yield process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def redis_flush() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_CACHE_URL).flushdb()
    except redis.RedisError as exc:
        raise BenchError(f"Cannot flush the bench cache {REDIS_CACHE_URL}: {exc}") from exc


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the gunicorn workers, the children of the master."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that just ended
            continue
        if int(fields[1]) == master_pid:  # fields[1] is the ppid; utime and stime follow at 11 and 12
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def pages_warm(pages: list[Page]) -> None:
    for page in pages:
        for _ in range(WARMUP_REQUESTS):
            status = http_get(page.path)
            if status != 200:
                raise BenchError(f"GET {page.path} answered {status} from gunicorn, expected 200.")


def latency_ms(text: str) -> float:
    """wrk's '812.00us', '1.20ms', '1.01s' or '1.50m' in milliseconds."""
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk_parse(output: str) -> WrkResult:
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output)
        if match is None:
            raise BenchError(f"Could not read {pattern!r} in wrk's output:\n{output}")
        return match

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests=int(find(r"(\d+) requests in").group(1)),
        requests_per_s=float(find(r"Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=latency_ms(find(r"\s50%\s+(\S+)").group(1)),
        p99_ms=latency_ms(find(r"\s99%\s+(\S+)").group(1)),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk_run(path: str, duration: int) -> WrkResult:
    url = f"http://{HOST}:{PORT}{path}"
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if bad:
        raise BenchError(f"{bad.group(1)} responses of {url} were not 2xx/3xx; wrk's output:\n{done.stdout}")
    return wrk_parse(done.stdout)


def target_cells(page: Page, result: WrkResult, with_targets: bool) -> tuple[str, str]:
    target = TARGETS.get(page.name)
    if not with_targets or target is None:
        return "-", "(no target)"
    return f">= {target:.0f} req/s", "met" if result.requests_per_s >= target else "NOT MET"


def load_report(report: Report, master_pid: int, pages: list[Page], duration: int, *, with_targets: bool) -> None:
    pages_warm(pages)
    report(f"  {'page':<10} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'CPU ms/req':>11}  {'target':<14} result")
    for page in pages:
        cpu_before = workers_cpu_seconds(master_pid)
        result = wrk_run(page.path, duration)
        cpu_ms = (workers_cpu_seconds(master_pid) - cpu_before) * 1000 / max(result.requests, 1)
        target, verdict = target_cells(page, result, with_targets)
        errors = f"   ({result.socket_errors} socket errors)" if result.socket_errors else ""
        report(f"  {page.name:<10} {result.requests_per_s:>9.1f} {result.p50_ms:>9.2f} {result.p99_ms:>9.2f} "
               f"{cpu_ms:>11.2f}  {target:<14} {verdict}{errors}")


# --- main ----------------------------------------------------------------------------------------------------


def bench(report: Report, duration: int) -> None:
    load = os.getloadavg()[0]
    report(f"comptoir benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs "
           f"(wrk and gunicorn share them), Python {platform.python_version()}, load average {load:.2f} at start")
    if load > BUSY_LOAD:
        report("  WARNING: other processes are using the CPUs: req/s and latencies will be worse than on an idle "
               "machine (CPU ms/req much less so).")
    services_check()
    wrk_ensure(report)
    database_prepare(report)
    django_setup()
    pages = pages_find()
    report()
    query_counts_report(report, pages)
    wrk_line = f"wrk -t{THREADS} -c{CONNECTIONS} -d{duration}s, gunicorn {WORKERS} sync workers"
    report()
    report(f"Throughput with the page cache (CACHE_URL={REDIS_CACHE_URL}, flushed then warmed); {wrk_line}")
    redis_flush()
    with gunicorn_serving(REDIS_CACHE_URL, "cached") as master_pid:
        load_report(report, master_pid, pages, duration, with_targets=True)
    report(f"  CPU ms/req: CPU time of the gunicorn workers per request; {WORKERS} sync workers serve at most "
           f"{WORKERS} x 1000 / CPU ms req/s, less what wrk takes.")
    report()
    report(f"For information: without the page cache (CACHE_URL={UNCACHED_URL}, every request renders from "
           f"Postgres); {wrk_line}")
    with gunicorn_serving(UNCACHED_URL, "uncached") as master_pid:
        load_report(report, master_pid, pages, duration, with_targets=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and run (default 10)")
    args = parser.parse_args()
    if args.duration < 1:
        parser.error("--duration must be at least 1 second")
    report = Report()
    try:
        bench(report, args.duration)
    except BenchError as exc:
        report()
        report(f"BENCHMARK FAILED: {exc}")
        return 1
    finally:
        report.save(RESULTS / "latest.txt")
        print(f"\nReport saved to {(RESULTS / 'latest.txt').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
