"""Print, as JSON, the paths of the pages the benchmark compares and, with --queries, what each one costs in-process:
its SQL queries and the CPU of its render, and how much of that is Haystack's Whoosh search."""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from haystack.backends.whoosh_backend import WhooshSearchBackend
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")

CATEGORY_NAME = "Books"  # the first category of the standard catalogue
PRODUCT_SKU = "SKU-00001"  # its first product, in Books
BARE_PATH = "/bench/bare/"
TIMED_REQUESTS = 5


def pages():
    category = Category.get_root_nodes().filter(name=CATEGORY_NAME).first()
    product = Product.objects.filter(upc=PRODUCT_SKU).first()
    if category is None or product is None:
        raise CommandError(f"No '{CATEGORY_NAME}' category or no product {PRODUCT_SKU}: load the catalogue first.")
    return {"category": category.get_absolute_url(), "product": product.get_absolute_url(), "bare": BARE_PATH}


class SearchTimer:
    """Adds up the CPU time spent in WhooshSearchBackend.search, the part Solr would do outside the worker."""

    def __init__(self):
        self.seconds = 0.0
        self.original = WhooshSearchBackend.search

    def __enter__(self):
        original = self.original

        def timed(backend, *args, **kwargs):
            started = time.process_time()
            try:
                return original(backend, *args, **kwargs)
            finally:
                self.seconds += time.process_time() - started

        WhooshSearchBackend.search = timed
        return self

    def __exit__(self, *exc):
        WhooshSearchBackend.search = self.original


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--queries", action="store_true", help="also measure each page in-process")

    def handle(self, *args, queries, **options):
        paths = pages()
        result = {"pages": paths}
        if queries:
            client = Client()
            result["queries"], result["cpu_ms"], result["search_ms"] = {}, {}, {}
            for name, path in paths.items():
                count, cpu_ms, search_ms = measure(client, path)
                result["queries"][name] = count
                result["cpu_ms"][name] = round(cpu_ms, 2)
                result["search_ms"][name] = round(search_ms, 2)
        self.stdout.write(json.dumps(result))


def get(client, path):
    client.cookies.clear()  # every request without cookies, like wrk's
    response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"GET {path} answered {response.status_code}, expected 200.")


def measure(client, path):
    """Queries of a GET once the per-process caches (templates, thumbnails) are warm, as after the load test's
    warm-up; then the mean CPU of a few more, and the part of it spent searching."""
    get(client, path)
    with CaptureQueriesContext(connection) as captured:
        get(client, path)
    queries = len(captured)  # now: the next request's request_started signal empties the connection's query log
    with SearchTimer() as search:
        started = time.process_time()
        for _ in range(TIMED_REQUESTS):
            get(client, path)
        cpu = time.process_time() - started
    return queries, cpu * 1000 / TIMED_REQUESTS, search.seconds * 1000 / TIMED_REQUESTS
