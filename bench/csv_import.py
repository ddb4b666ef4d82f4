"""CSV import at scale (issue 18, I8): 10,000 variant rows and 10,000 stock-count rows of the standard catalogue
(shared/bench/catalogue_data.py, loaded by demo.seeds), each imported as staff do it: the preview (every row tried, then
rolled back) and the confirmed import (all or nothing; stock rows through the count service, one ledger line each).
Prints rows/s and seconds per pass on PostgreSQL; the target is under 60 s for the confirmed import of each file.

Run from the repository root (Postgres up; the database is created and migrated when missing):
    .venv/bin/python bench/csv_import.py [--rows 10000]

bench/run.py calls csv_report(report) (section "csv"): it runs this script in its own process and passes each printed
line to `report`.
"""

import argparse
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/comptoir_bench_csv"
TARGET_S = 60.0


def _rows_text(header: list[str], rows) -> str:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def bench(report, *, url: str, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.crm import database_ensure, django_setup

    database_ensure(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from catalog.models import ProductVariant
    from catalog.resources import VariantResource
    from core.csv_io import csv_import, row_errors
    from demo import seeds
    from inventory.resources import StockResource

    started = time.monotonic()
    seeds.catalogue_products_seed(count=rows)
    report(f"CSV import: {rows:,} rows per file, PostgreSQL, the standard catalogue "
           f"(loaded or checked in {time.monotonic() - started:.1f} s)")
    variants = list(ProductVariant.objects.filter(sku__startswith="SKU-").select_related("product")
                    .order_by("sku")[:rows])
    # A price list that changes every price by a cent each run (so every row is an update), and a stock count that
    # changes every SKU's count at the warehouse (so every row is a count movement).
    bump = Decimal("0.01") if int(time.time()) % 2 else Decimal("-0.01")
    files = {
        "variants": (VariantResource, _rows_text(["sku", "product", "price"], (
            (v.sku, v.product.slug, max(v.price + bump, Decimal("0.01"))) for v in variants))),
        "stock": (StockResource, _rows_text(["sku", "location", "on_hand"], (
            (v.sku, "wh", (v.pk * 7 + int(time.time())) % 150 + 1) for v in variants))),
    }
    for name, (resource_class, text) in files.items():
        for label, dry_run in (("preview", True), ("confirmed import", False)):
            started = time.monotonic()
            result = csv_import(resource_class(), text, dry_run=dry_run, file_name=f"bench-{name}.csv")
            elapsed = time.monotonic() - started
            errors = row_errors(result)
            verdict = ("met" if elapsed < TARGET_S else "NOT MET") if not dry_run else ""
            count = len(result.rows)
            report(f"  {name}, {label}: {count:,} rows in {elapsed:.1f} s -> {count / elapsed:,.0f} rows/s"
                   f" (new {result.totals['new']:,}, changed {result.totals['update']:,}, unchanged "
                   f"{result.totals['skip']:,}, bad {len(errors)})"
                   + (f"; under {TARGET_S:.0f} s: {verdict}" if verdict else ""))
            if errors:
                report(f"  NOT MET: bad rows, first: {errors[0]}")


def csv_report(report) -> None:
    """For bench/run.py: run this benchmark in its own process and pass each printed line to `report`."""
    env = {**os.environ, "DATABASE_URL": os.environ.get("CSV_BENCH_DATABASE_URL", DATABASE_URL)}
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        report(line.rstrip("\n"))
    if process.wait() != 0:
        report(f"  bench/csv_import.py ended with exit status {process.returncode}: NOT MET")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    bench(lambda text="": print(text, flush=True), url=url if url.startswith("postgres") else DATABASE_URL,
          rows=args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
