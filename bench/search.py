"""Timing of product search on the standard catalogue (5,000 products, or --products N), in-process through the Django
test client.

Run from the repository root with the database to use (created and loaded if needed):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_search .venv/bin/python bench/search.py [--searches 200]
    [--products 50000]

The catalogue is loaded the way bench/run.py loads it (`seed_demo --products N --no-images`, idempotent), then
a fixed mix of searches (exact words, misspellings, SKUs, French, filters, no match) is answered through the
search page, each timed, and its SQL queries counted. Prints p50/p95/max milliseconds per kind and overall.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_PRODUCTS = 5000

# (kind, path prefix, parameters); cycled to make the number of searches asked for.
SEARCHES = [
    ("exact", "", {"q": "lamp"}),
    ("exact", "", {"q": "vintage chair"}),
    ("exact", "", {"q": "wireless speaker"}),
    ("exact", "", {"q": "kettle"}),
    ("exact", "", {"q": "guitar"}),
    ("misspelt", "", {"q": "lampp"}),
    ("misspelt", "", {"q": "guitr"}),
    ("misspelt", "", {"q": "bicycel"}),
    ("misspelt", "", {"q": "chocolat"}),
    ("sku", "", {"q": "SKU-00042"}),
    ("sku", "", {"q": "sku-04999"}),
    ("french", "/fr", {"q": "lampe"}),
    ("french", "/fr", {"q": "tente"}),
    ("french", "/fr", {"q": "guitar"}),
    ("filters", "", {"q": "mug", "in_stock": "on", "max_price": "50"}),
    ("filters", "", {"q": "deluxe", "min_price": "100", "sort": "price"}),
    ("filters", "", {"min_price": "10", "max_price": "20", "in_stock": "on"}),
    ("filters", "", {"q": "modern", "page": "3"}),
    ("no match", "", {"q": "xylophone quartz"}),
    ("no match", "", {"q": "'; DROP TABLE catalog_product; --"}),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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
        "CACHE_URL": "locmemcache://bench-search",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # DEBUG off wants a key of its own
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Static URLs without collectstatic's manifest: this measures the search, not the static files.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    })
    sys.path.insert(0, str(ROOT))
    django.setup()


def catalogue_load(products: int = CATALOGUE_PRODUCTS) -> None:
    """What bench/run.py does to prepare its database: migrate, then the demo shop and the standard catalogue."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", products=products, no_images=True, verbosity=0)
    print(f"Database migrated and seeded ({products} catalogue products) in {time.monotonic() - started:.0f} s")


def run(count: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Product

    client = Client(HTTP_HOST="localhost")
    for _kind, prefix, params in SEARCHES:  # warm up: templates compiled, category tree cached
        client.get(f"{prefix}/search/?{urlencode(params)}")
    timings: dict[str, list[float]] = {}
    queries: list[int] = []
    results: dict[str, int] = {}
    for n in range(count):
        kind, prefix, params = SEARCHES[n % len(SEARCHES)]
        path = f"{prefix}/search/?{urlencode(params)}"
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            print(f"GET {path} answered {response.status_code}")
            return 1
        timings.setdefault(kind, []).append(elapsed)
        queries.append(len(captured))
        results[path] = response.content.decode().count('class="card h-100 product-card"')
    everything = [t for values in timings.values() for t in values]
    print(f"{count} searches on {Product.objects.count()} products (full search page through the test client)")
    print(f"  {'kind':<10} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in [*timings.items(), ("all", everything)]:
        print(f"  {kind:<10} {len(values):>4} {statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f} "
              f"{max(values):>8.1f}")
    print(f"  SQL queries per search: {min(queries)} to {max(queries)}, mean {statistics.mean(queries):.1f}")
    print("  cards shown per search:")
    for path, cards in results.items():
        print(f"    {cards:>3}  {path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=200, help="number of searches timed (default 200)")
    parser.add_argument("--products", type=int, default=CATALOGUE_PRODUCTS,
                        help=f"catalogue products to load (default {CATALOGUE_PRODUCTS}); a database loaded with more "
                             "keeps them")
    parser.add_argument("--no-load", action="store_true", help="skip migrate and seed (already loaded)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        parser.error("set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/comptoir_x")
    database_ensure(url)
    django_setup(url)
    if not args.no_load:
        catalogue_load(args.products)
    return run(args.searches)


if __name__ == "__main__":
    sys.exit(main())
