from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from demo import seeds as demo
from help.demo import faq_demo_seed
from payments.demo import business_account_seed


class Command(BaseCommand):
    help = (
        "Seed the demo shop: locations, categories, products with pictures and variants, stock, staff accounts. "
        "Idempotent. --products N also loads the first N products of the standard benchmark catalogue (any N)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=0,
                            help="Also load this many products of the standard catalogue (5000 for benchmarks; "
                                 "any number: the first 5000 are the same whatever the number).")
        parser.add_argument("--no-images", action="store_true", help="Skip generating demo pictures.")

    def handle(self, *args, products, no_images, **options):
        if products < 0:
            raise CommandError("--products must be 0 or more.")
        accounts = demo.staff_seed() + business_account_seed()
        created = demo.demo_products_seed(with_images=not no_images)
        self.stdout.write(f"Demo products created: {created}")
        self.stdout.write(f"Starter FAQ entries created: {faq_demo_seed()}")
        if products:
            with tqdm(total=products, desc="Standard catalogue", unit=" products",
                      disable=options["verbosity"] == 0) as bar:
                try:
                    loaded = demo.catalogue_products_seed(count=products, progress=lambda done: bar.update(
                        done - bar.n))
                except demo.CatalogueTooSmall as exc:
                    raise CommandError(str(exc)) from exc
            self.stdout.write(f"Standard catalogue products created: {loaded}")
            if loaded and connection.vendor == "postgresql":
                # After a bulk load: fresh planner statistics and, outside a transaction (VACUUM cannot run in
                # one), the visibility map that index-only scans need and the GIN indexes' pending entries merged.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        for line in accounts:
            self.stdout.write(f"Demo account: {line}")
        self.stdout.write(self.style.SUCCESS("Demo shop ready."))
