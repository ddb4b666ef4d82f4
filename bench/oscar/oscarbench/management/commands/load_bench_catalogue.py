"""Load the benchmark's standard catalogue (bench/catalogue_data.py) into Oscar and index it for Haystack.

Idempotent: nothing to do (a second) when the products and the search index are there; a different or partial
catalogue is loaded anew and the index rebuilt (about a minute: Whoosh is pure Python)."""

import importlib.util
import itertools
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from haystack.query import SearchQuerySet
from oscar.core.loading import get_model
from oscar.core.utils import slugify

ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

REPO_ROOT = Path(__file__).resolve().parents[5]
# The same file comptoir's seed_demo reads: shared/ beside the repository when there, else the repository's copy.
CATALOGUE_FILES = [
    REPO_ROOT.parent / "shared" / "bench" / "catalogue_data.py",
    REPO_ROOT / "bench" / "catalogue_data.py",
]


def catalogue_module():
    path = next((p for p in CATALOGUE_FILES if p.exists()), None)
    if path is None:
        raise CommandError(f"No catalogue_data.py in {' or '.join(map(str, CATALOGUE_FILES))}")
    spec = importlib.util.spec_from_file_location("catalogue_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=5000, help="the first N products of the catalogue")

    def handle(self, *args, products, **options):
        data = catalogue_module()
        rows = list(itertools.islice(data.products(), products))
        skus = [row["sku"] for row in rows]
        loaded = Product.objects.filter(upc__in=skus, stockrecords__isnull=False, categories__isnull=False)
        started = time.monotonic()
        if loaded.distinct().count() == len(rows) and Product.objects.count() == len(rows):
            self.stdout.write(f"Oscar catalogue: {len(rows)} products already loaded")
            reindex = SearchQuerySet().models(Product).count() != len(rows)
        else:
            with transaction.atomic():
                self.load(data, rows)
            self.stdout.write(f"Oscar catalogue: {len(rows)} products loaded in {time.monotonic() - started:.1f} s")
            reindex = True
        if reindex:
            started = time.monotonic()
            call_command("clear_index", interactive=False, verbosity=0)
            call_command("update_index", batchsize=len(rows), verbosity=0)  # one batch: several times faster
            self.stdout.write(f"Oscar search index (Whoosh): {SearchQuerySet().models(Product).count()} products "
                              f"indexed in {time.monotonic() - started:.0f} s")

    def load(self, data, rows):
        # A partial or different catalogue (another --products): start the products over; the rest stays.
        StockRecord.objects.all().delete()
        ProductCategory.objects.all().delete()
        Product.objects.all().delete()
        product_class, _ = ProductClass.objects.get_or_create(
            name=data.PRODUCT_CLASS, defaults={"requires_shipping": True, "track_stock": True}
        )
        categories = []
        for name in data.CATEGORY_NAMES:
            category = Category.get_root_nodes().filter(name=name).first() or Category.add_root(name=name)
            categories.append(category)
        partner, _ = Partner.objects.get_or_create(name=data.PARTNER)
        products = Product.objects.bulk_create(
            [
                Product(
                    structure=Product.STANDALONE,
                    upc=row["sku"],
                    title=row["title"],
                    slug=slugify(row["title"]),
                    description=row["description"],
                    product_class=product_class,
                )
                for row in rows
            ],
            batch_size=1000,
        )
        ProductCategory.objects.bulk_create(
            [
                ProductCategory(product=product, category=categories[row["category_index"]])
                for product, row in zip(products, rows, strict=True)
            ],
            batch_size=2000,
        )
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=product,
                    partner=partner,
                    partner_sku=row["sku"],
                    price_currency=data.CURRENCY,
                    price=row["price"],
                    num_in_stock=row["num_in_stock"],
                )
                for product, row in zip(products, rows, strict=True)
            ],
            batch_size=2000,
        )
