"""`manage.py import_csv <resource> <file> [--confirm]`: the admin's CSV import from the command line, for big files.

Without --confirm it is the preview: every row is tried in a transaction that is rolled back, and the counts of new,
changed and unchanged rows and every bad row are printed. With --confirm the file is imported, all or nothing: one bad
row and nothing is written. A progress bar follows the rows (tqdm) on both passes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.resources import ProductResource, VariantResource
from core.csv_io import QuotedCSV, csv_export, row_errors
from crm.resources import CustomerResource, SupplierResource
from inventory.resources import StockResource

RESOURCES = {
    "products": ProductResource, "variants": VariantResource, "stock": StockResource,
    "customers": CustomerResource, "suppliers": SupplierResource,
}


def import_file(name: str, path: Path, *, confirm: bool, user=None, progress=True):
    """Run the preview (or the import) of one file; returns import-export's Result."""
    dataset = QuotedCSV(encoding="utf-8-sig").create_dataset(path.read_bytes())
    resource = RESOURCES[name]()
    with tqdm(total=len(dataset), desc="Importing" if confirm else "Checking (nothing is written)", unit=" rows",
              disable=not progress) as bar:
        resource.progress = lambda: bar.update(1)
        return resource.import_data(dataset, dry_run=not confirm, user=user, file_name=path.name)


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=sorted(RESOURCES))
        parser.add_argument("file", help="the CSV file to import, or to write with --export")
        parser.add_argument("--confirm", action="store_true", help="write the file's rows (all or nothing)")
        parser.add_argument("--export", action="store_true", help="write the resource's rows to the file instead")

    def handle(self, *args, resource, file, confirm, export, verbosity, **options):
        path = Path(file)
        if export:
            path.write_text(csv_export(RESOURCES[resource]()), encoding="utf-8", newline="")
            self.stdout.write(f"Written: {path}")
            return
        if not path.exists():
            raise CommandError(f"No file at {path}")
        result = import_file(resource, path, confirm=confirm, progress=verbosity > 0)
        totals = result.totals
        self.stdout.write(f"new {totals['new']}, changed {totals['update']}, unchanged {totals['skip']}, "
                          f"bad rows {totals['error'] + totals['invalid']}")
        errors = row_errors(result)
        for number, message in errors:
            self.stdout.write(f"  row {number}: {message}")
        if errors:
            raise CommandError("Nothing was written: correct the rows above and run it again.")
        if not confirm:
            self.stdout.write("Nothing written yet: run again with --confirm to import.")
        else:
            self.stdout.write("Imported.")
