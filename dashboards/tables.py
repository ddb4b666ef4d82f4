"""Tables of figures: shown on a page (the text alternative of its chart) and downloaded as CSV, from one definition.

CSV: UTF-8 with a byte-order mark (so spreadsheet programs read accents right), every field quoted, one header row.
Amounts are written as plain decimals with two places and a point ("1234.50", no currency sign or thousands
separator, in every language), hours and percentages with one decimal, days as ISO dates: numbers a spreadsheet reads
as numbers; the header names the unit.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

TEXT, INT, MONEY, HOURS, PERCENT, DATE, LINK = "text", "int", "money", "hours", "percent", "date", "link"
DECIMAL = "decimal"  # a number shown with the decimal places of its Decimal (the selector rounds it)
DATETIME = "datetime"  # an aware moment, shown and exported in the shop's time zone


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Cell:
    kind: str
    value: object
    url: str = ""


@dataclass
class Table:
    """slug names the table in its page's CSV link (?export=<slug>); the first column heads each row."""

    slug: str
    caption: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    note: str = ""
    links: list[str] = field(default_factory=list)  # per row, a link for the first cell ("" for none)

    @property
    def cells(self) -> list[list[Cell]]:
        result = []
        for index, row in enumerate(self.rows):
            url = self.links[index] if index < len(self.links) else ""
            result.append([Cell(column.kind, value, url if position == 0 else "")
                           for position, (column, value) in enumerate(zip(self.columns, row, strict=True))])
        return result


def csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        return f"{Decimal(value):.2f}"
    if kind in (HOURS, PERCENT):
        return f"{Decimal(value):.1f}"
    if kind == DATETIME:
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_text(table: Table) -> str:
    """The table as CSV text, starting with the byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(column.kind, value) for column, value in zip(table.columns, row, strict=True)])
    return out.getvalue()
