"""Growth benchmark: the uncached catalogue pages and search at 5,000 and at 50,000 products, side by side.

Run from the repository root: `.venv/bin/python bench/growth.py [--runs 20] [--searches 100]`, or call
`growth_report(report)` from bench/run.py. See bench/README.md ("Growth") for what it measures; the report is also
saved to bench/results/growth-latest.txt.
"""

import argparse
import copy
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as base  # noqa: E402  (the catalogue benchmark: database and report helpers)
from bench import search as search_bench  # noqa: E402  (its mix of searches)

REPORT_PATH = base.RESULTS / "growth-latest.txt"
DATABASES = [(base.DB_NAME, base.CATALOGUE_PRODUCTS), ("comptoir_bench_50k", 50_000)]
RUNS, WARMUP = 20, 3
SEARCHES = 100  # searches of bench/search.py's mix timed at 50,000 products for the p95
RATIO_TARGET = 1.5  # the 50,000-product cost over the 5,000-product cost, at most
SEARCH_P95_TARGET_MS = 150.0


@dataclass(frozen=True)
class Figures:
    cpu_ms: float  # median CPU time of this process (Django: view, ORM, templates), time.process_time
    total_ms: float  # median elapsed time of the request: Django's CPU plus the wait for Postgres
    sql: int


@contextmanager
def bench_database(name: str, products: int) -> Iterator[str]:
    """bench.run's database helpers (database_create, manage, database_prepare) pointed at another database and
    catalogue size for the duration of the block; yields the database's URL."""
    url = f"postgres://postgres:postgres@{base.PG_HOST}:{base.PG_PORT}/{name}"
    with mock.patch.multiple(base, DB_NAME=name, DATABASE_URL=url, CATALOGUE_PRODUCTS=products):
        yield url


def databases_prepare(report) -> None:
    """Each database created if missing, migrated and loaded with its catalogue (idempotent: seconds when loaded;
    the first load of 50,000 products takes a minute or two)."""
    for name, products in DATABASES:
        with bench_database(name, products):
            base.database_prepare(report)


def django_ready() -> None:
    """Django set up in this process (by bench/run.py already, or here with the benchmark's environment)."""
    from django.conf import settings

    if settings.configured:
        return
    import django

    os.environ.update(base.django_env(base.UNCACHED_URL))
    django.setup()


@contextmanager
def databases_connected(names: list[str]) -> Iterator[Callable[[str], None]]:
    """One connection to each database of the same server, kept open for the block; yields `use(name)`, which
    makes that database's connection the default one (the test client's views use it)."""
    from django.db import connections

    original = connections["default"]
    wrappers = {}
    for name in names:
        wrapper = connections.create_connection("default")
        wrapper.settings_dict = copy.deepcopy(wrapper.settings_dict)
        wrapper.settings_dict["NAME"] = name
        wrappers[name] = wrapper

    def use(name: str) -> None:
        connections["default"] = wrappers[name]
        wrappers[name].ensure_connection()

    try:
        yield use
    finally:
        connections["default"] = original
        for wrapper in wrappers.values():
            wrapper.close()


def pages() -> list[tuple[str, str]]:
    """(label, path) of the pages measured, found in the database in use."""
    found = {page.name: page.path for page in base.pages_find()}
    return [
        ("category page 1", found["category"]),
        ("category page 40", found["category"] + "?page=40"),
        ("product page", found["product"]),
        ('search "lamp"', "/search/?" + urlencode({"q": "lamp"})),
        ('search "lampp" (misspelt)', "/search/?" + urlencode({"q": "lampp"})),
        ("search SKU-00042", "/search/?" + urlencode({"q": "SKU-00042"})),
    ]


def measure(use: Callable[[str], None], paths: dict[str, str], runs: int) -> dict[str, Figures]:
    """The same page in each database (name: path), the requests interleaved (one in each database in turn), so
    that a change in the machine's load weighs on both alike."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    total: dict[str, list[float]] = {name: [] for name in paths}
    sql: dict[str, int] = {}
    for name, path in paths.items():
        use(name)
        for _ in range(WARMUP):
            response = client.get(path)
            if response.status_code != 200:
                raise base.BenchError(f"GET {path} answered {response.status_code} in {name}, expected 200.")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        sql[name] = len(queries)
    for _ in range(runs):
        for name, path in paths.items():
            use(name)
            cpu_started, started = time.process_time(), time.perf_counter()
            client.get(path)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
            total[name].append((time.perf_counter() - started) * 1000)
    return {name: Figures(cpu_ms=statistics.median(cpu[name]), total_ms=statistics.median(total[name]),
                          sql=sql[name]) for name in paths}


def search_p95(count: int) -> tuple[float, float]:
    """p95 and max elapsed milliseconds of `count` searches of bench/search.py's mix, through the search page."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    paths = [f"{prefix}/search/?{urlencode(params)}" for _kind, prefix, params in search_bench.SEARCHES]
    for path in paths:
        client.get(path)
    timings = []
    for n in range(count):
        started = time.perf_counter()
        response = client.get(paths[n % len(paths)])
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise base.BenchError(f"GET {paths[n % len(paths)]} answered {response.status_code} in-process.")
    return search_bench.percentile(timings, 0.95), max(timings)


def growth_report(report, *, runs: int = RUNS, searches: int = SEARCHES) -> None:
    """Prepare both databases, measure, and print the table (through `report`, one line at a time)."""
    from django.test import override_settings

    databases_prepare(report)
    django_ready()
    figures: dict[str, list[Figures]] = {}
    names = [name for name, _products in DATABASES]
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}), \
            databases_connected(names) as use:
        paths: dict[str, dict[str, str]] = {}
        for name in names:
            use(name)
            for label, path in pages():
                paths.setdefault(label, {})[name] = path
        for label, by_database in paths.items():
            measured = measure(use, by_database, runs)
            figures[label] = [measured[name] for name in names]
        use(names[-1])
        p95, slowest = search_p95(searches)
    small, large = (f"{products // 1000}k" for _name, products in DATABASES)
    report()
    report(f"Growth: uncached pages (dummy cache, in-process test client), median of {runs} requests, "
           f"{small} vs {large} products")
    report(f"  {'page':<27} {'CPU ' + small:>8} {'CPU ' + large:>8} {'ratio':>6}   {'ms ' + small:>7} "
           f"{'ms ' + large:>7} {'ratio':>6}   {'SQL':>7}  target <= {RATIO_TARGET}x")
    for label, (before, after) in figures.items():
        cpu_ratio = after.cpu_ms / before.cpu_ms
        ratio = after.total_ms / before.total_ms
        verdict = "met" if ratio <= RATIO_TARGET else "NOT MET"
        report(f"  {label:<27} {before.cpu_ms:>8.2f} {after.cpu_ms:>8.2f} {cpu_ratio:>5.2f}x   "
               f"{before.total_ms:>7.2f} {after.total_ms:>7.2f} {ratio:>5.2f}x   {before.sql:>3}/{after.sql:<3}  "
               f"{verdict}")
    report("  CPU: this process's CPU time per request (Django); ms: elapsed time, Django plus the wait for Postgres "
           "(the verdict: what grows with the catalogue is mostly in the database); SQL: queries at 5k/50k.")
    verdict = "met" if p95 <= SEARCH_P95_TARGET_MS else "NOT MET"
    report(f"  search p95 at {large}: {p95:.1f} ms over {searches} searches of bench/search.py's mix (max "
           f"{slowest:.1f} ms), target <= {SEARCH_P95_TARGET_MS:.0f} ms: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"requests timed per page (default {RUNS})")
    parser.add_argument("--searches", type=int, default=SEARCHES,
                        help=f"searches timed for the p95 at 50,000 products (default {SEARCHES})")
    args = parser.parse_args()
    def body(report):
        if not base.port_open(base.PG_PORT):
            raise base.BenchError(f"PostgreSQL is not reachable on 127.0.0.1:{base.PG_PORT}: start it with "
                                  "scripts/ensure-services.sh.")
        report(f"comptoir growth benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
               f"load average {os.getloadavg()[0]:.2f} at start")
        growth_report(report, runs=args.runs, searches=args.searches)

    return base.report_run(REPORT_PATH, body)[0]


if __name__ == "__main__":
    sys.exit(main())
