"""CSV in and out of the admin and `manage.py import_csv`, with django-import-export: what every app's resources share.

Files follow the dashboards' CSV (dashboards.tables): UTF-8 with a byte-order mark (spreadsheet programs then read
accents right), every field quoted, one header row; amounts as plain decimals with a point and two places ("1234.50",
in every language), dates as ISO dates. The same text imports back unchanged (the round trip of the tests).

An import is first tried in a transaction that is rolled back (the preview: each row's change, or the row's errors in
plain words); nothing is written until staff confirm, and a confirmed import with any bad row writes nothing at all
(rollback_on_validation_errors). Lookups (a SKU, a location, a category) are read once per file, not once per row.
"""

import csv
import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV
from import_export.instance_loaders import CachedInstanceLoader

BOM = "\ufeff"
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_COUNT = re.compile(r"^\d+$")


class QuotedCSV(CSV):
    """CSV as the shop writes it: BOM, every field quoted, CRLF line ends. Reads files with or without a BOM."""

    def export_data(self, dataset, **kwargs):
        return BOM + dataset.export("csv", quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode("utf-8-sig")
        return super().create_dataset(in_stream.removeprefix(BOM), **kwargs)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class MoneyWidget(widgets.Widget):
    """An amount in CAD: "12.50" out; in, a point and at most two decimals, nothing else."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if text.startswith("-") and _AMOUNT.match(text[1:]):
            raise ValueError(_("“%(value)s”: an amount cannot be negative.") % {"value": text})
        if not _AMOUNT.match(text):
            raise ValueError(_("“%(value)s” is not an amount: write it with a point and at most two decimals, "
                               "without a currency sign or thousands separator, e.g. 1234.50.") % {"value": text})
        return Decimal(text).quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{Decimal(value):.2f}"


class DecimalWidget(widgets.Widget):
    """A measure with a fixed number of decimals (cm): written with a point, read with a point."""

    def __init__(self, places: int = 1, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not re.match(rf"^\d+(\.\d{{1,{self.places}}})?$", text):
            raise ValueError(_("“%(value)s” is not a measure: write a number with a point and at most %(places)d "
                               "decimal(s), zero or more.") % {"value": text, "places": self.places})
        return Decimal(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{Decimal(value):.{self.places}f}"


class CountWidget(widgets.Widget):
    """A whole number, zero or more (units on hand, grams, a position)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if text.startswith("-") and _COUNT.match(text[1:]):
            raise ValueError(_("“%(value)s”: this cannot be negative.") % {"value": text})
        if not _COUNT.match(text):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TranslatedTextWidget(widgets.Widget):
    """A text in one language (django-modeltranslation's name_fr...): an empty cell is "not translated" (NULL), as
    the admin's form stores it, so a round trip finds nothing changed."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        return text if text.strip() else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.BooleanWidget):
    """1/0 out (as import-export writes it); in, also yes/no, oui/non, true/false."""

    TRUE = {"1", "yes", "oui", "true", "y", "o"}
    FALSE = {"0", "no", "non", "false", "n"}

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        if not text:
            return None
        raise ValueError(_("“%(value)s” is not yes or no: write 1 or 0.") % {"value": text})


class LookupWidget(widgets.ForeignKeyWidget):
    """A related row named by a key (a SKU, a location code, a category slug). The file's keys are read in one query
    (prime); an unknown key is a row error in plain words. `also_by_id`: a number that is no key is tried as an id."""

    def __init__(self, model, field, *, unknown: str, also_by_id: bool = False, also_by: str = "",
                 required: bool = True, related: tuple[str, ...] = (), **kwargs):
        super().__init__(model, field, **kwargs)
        self.unknown = unknown
        self.related = related  # read with each row (select_related): what the import reads of it, no query per row
        self.also_by_id = also_by_id
        self.also_by = also_by  # another unique-enough column tried next (a location's name after its code)
        self.required = required
        self.cache: dict | None = None

    def prime(self, values) -> None:
        keys = {_text(v) for v in values} - {""}
        rows = self.model.objects.select_related(*self.related) if self.related else self.model.objects
        self.cache = {str(getattr(obj, self.field)): obj for obj in rows.filter(**{f"{self.field}__in": keys})}
        if self.also_by:
            for obj in self.model.objects.filter(**{f"{self.also_by}__in": keys - set(self.cache)}):
                self.cache.setdefault(str(getattr(obj, self.also_by)), obj)
        if self.also_by_id:
            ids = {int(k) for k in keys - set(self.cache) if k.isdigit()}
            self.cache.update({str(obj.pk): obj for obj in self.model.objects.filter(pk__in=ids)})

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(_("This column must not be empty."))
            return None
        if self.cache is not None:  # primed with this file's keys: not there, not known
            if text not in self.cache:
                raise ValueError(self.unknown % {"value": text})
            return self.cache[text]
        found = self.model.objects.filter(**{self.field: text}).first()
        if found is None and self.also_by:
            found = self.model.objects.filter(**{self.also_by: text}).first()
        if found is None and self.also_by_id and text.isdigit():
            found = self.model.objects.filter(pk=int(text)).first()
        if found is None:
            raise ValueError(self.unknown % {"value": text})
        return found


class ShopResource(resources.ModelResource):
    """What every import shares: plain-word errors, duplicates in the file refused, lookups read once, a progress
    callback per row (the command's bar), and an all-or-nothing confirmed import."""

    progress = None  # a callable of no arguments, called after each row (manage.py import_csv's bar)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        instance_loader_class = CachedInstanceLoader
        use_transactions = True

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # A file with any bad row writes nothing, in the admin's confirm step as in the command.
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors,
                                   use_transactions=use_transactions, collect_failed_rows=collect_failed_rows,
                                   rollback_on_validation_errors=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = list(dataset.headers or [])
        for field in self.get_import_fields():
            if isinstance(field.widget, LookupWidget) and field.column_name in headers:
                field.widget.prime(dataset[field.column_name])
        self._duplicates = self._duplicates_in(dataset, headers)

    def _duplicates_in(self, dataset, headers) -> dict:
        """{key: [row numbers]} of keys that appear on more than one row of the file."""
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        if not all(column in headers for column in columns):
            return {}
        rows = defaultdict(list)
        for number, values in enumerate(zip(*(dataset[c] for c in columns), strict=True), 1):
            rows[tuple(_text(v).lower() for v in values)].append(number)
        return {key: numbers for key, numbers in rows.items() if len(numbers) > 1 and any(key)}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        names = self.get_import_id_fields()
        key = tuple(_text(row.get(self.fields[name].column_name)).lower() for name in names)
        numbers = getattr(self, "_duplicates", {}).get(key)
        if numbers:
            raise ValidationError({self.fields[names[0]].attribute: _(
                "Duplicate: “%(key)s” is on rows %(rows)s of the file; keep one row per %(column)s.") % {
                "key": " / ".join(_text(row.get(self.fields[n].column_name)) for n in names),
                "rows": ", ".join(str(n) for n in numbers), "column": self.fields[names[0]].column_name}})

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's field checks (required, choices, email, validators, clean()) without a query per row: the keys
        were matched (and duplicates refused) above, related rows were looked up by the widgets, and the database's
        own constraints still guard the confirmed import (a violation is a row error and undoes the whole file)."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            lookups = [f.attribute for f in self.get_import_fields() if isinstance(f.widget, LookupWidget)]
            try:
                instance.full_clean(exclude=[*errors, *lookups], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # an unknown key in a lookup column: reported with the row's other errors

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if self.progress is not None:
            self.progress()


class ShopImportExportMixin(ImportExportMixin):
    """For a ModelAdmin: CSV import (preview, then confirm) and export, in the shop's CSV. The buttons and pages are
    for those who may add and change the objects (import) or change them (export); an admin may say otherwise
    (import_permissions, export_permissions)."""

    formats = [QuotedCSV]
    import_permissions: tuple[str, ...] = ()  # "app.codename"; empty: add and change of the model
    export_permissions: tuple[str, ...] = ()  # empty: change of the model

    def _model_perms(self, *actions) -> tuple[str, ...]:
        opts = self.opts
        return tuple(f"{opts.app_label}.{action}_{opts.model_name}" for action in actions)

    def has_import_permission(self, request):
        return request.user.has_perms(self.import_permissions or self._model_perms("add", "change"))

    def has_export_permission(self, request):
        return request.user.has_perms(self.export_permissions or self._model_perms("change"))


def csv_export(resource, queryset=None) -> str:
    """The resource's rows as the shop's CSV text (starting with the byte-order mark)."""
    return QuotedCSV().export_data(resource.export(queryset=queryset))


def csv_import(resource, text: str | bytes, *, dry_run: bool, user=None, file_name: str = ""):
    """Import CSV text (or bytes, with or without a BOM) with `resource`: a preview when dry_run, else the real thing,
    all or nothing. Returns import-export's Result: rows with their change, row errors."""
    dataset = QuotedCSV(encoding="utf-8-sig").create_dataset(text)
    return resource.import_data(dataset, dry_run=dry_run, user=user, file_name=file_name)


def row_errors(result) -> list[tuple[int, str]]:
    """(row number, message) of every bad row of an import's result, in plain words, row by row."""
    found = []
    for number, errors in result.row_errors():
        found += [(number, str(error.error)) for error in errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            found += [(invalid.number, f"{field}: {message}") for message in messages]
    return sorted(found)
