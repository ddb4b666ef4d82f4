from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from demo import seeds as demo
from help.demo import faq_demo_seed
from payments.demo import business_account_seed


class Command(BaseCommand):
    help = (
        "Seed the demo shop: locations, categories, products with pictures and variants, stock, staff accounts. "
        "Idempotent. --products N also loads the first N products of the standard benchmark catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=0,
                            help="Also load this many products of the standard catalogue (5000 for benchmarks).")
        parser.add_argument("--no-images", action="store_true", help="Skip generating demo pictures.")

    def handle(self, *args, products, no_images, **options):
        accounts = demo.staff_seed() + business_account_seed()
        created = demo.demo_products_seed(with_images=not no_images)
        self.stdout.write(f"Demo products created: {created}")
        self.stdout.write(f"Starter FAQ entries created: {faq_demo_seed()}")
        if products:
            def progress(iterable, total):
                return tqdm(iterable, total=total, desc="Catalogue batches", disable=options["verbosity"] == 0)

            loaded = demo.catalogue_products_seed(count=products, progress=progress)
            self.stdout.write(f"Standard catalogue products created: {loaded}")
            if loaded and connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
                    cursor.execute("ANALYZE")
        for line in accounts:
            self.stdout.write(f"Demo account: {line}")
        self.stdout.write(self.style.SUCCESS("Demo shop ready."))
