"""Writes: adding a process's request counts to the per-minute rows, rolling old minutes up into hours, and
deleting what is past its retention."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from .models import COUNTER_FIELDS, RequestMinute

# Rows per INSERT statement: 17 parameters each stays far below SQLite's and Postgres's limits.
BATCH = 500
# Minutes stay minutes this long; then the nightly job rolls them up into one row per hour and page. The pages read
# hours at the finest, and 90 days of minutes would be 60 times the rows to add up.
MINUTES_KEPT = timedelta(days=2)
# How far back a roll-up looks: a few nights missed are caught up. Rolling up an hour again changes nothing.
ROLL_UP_WINDOW = timedelta(days=3)


def request_minutes_add(*, rows: Iterable[tuple[datetime, str, Sequence[int]]]) -> int:
    """Add counts to the (minute, page) rows, creating the rows that do not exist yet; returns how many were given.

    Several gunicorn workers add to the same row: each statement is one INSERT … ON CONFLICT DO UPDATE SET
    requests = requests + excluded.requests (the same syntax on SQLite and PostgreSQL), so an insert racing another
    worker's turns into an addition instead of an IntegrityError, and no count is lost or doubled. Django's
    bulk_create(update_conflicts=True) would overwrite the counts instead of adding to them. Rows are sorted by key
    so that two workers' statements lock the rows they share in the same order (no deadlock on Postgres)."""
    rows = sorted(rows, key=lambda row: (row[0], row[1]))
    if not rows:
        return 0
    table = connection.ops.quote_name(RequestMinute._meta.db_table)
    columns = ("minute", "view_name", *COUNTER_FIELDS)
    quoted = [connection.ops.quote_name(column) for column in columns]
    additions = ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in quoted[2:])
    view_name_length = RequestMinute._meta.get_field("view_name").max_length
    with transaction.atomic():  # a savepoint when a caller's transaction is open: a failure spoils only this
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                batch = rows[start:start + BATCH]
                placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(batch))
                params = []
                for minute, view_name, counts in batch:
                    params += [connection.ops.adapt_datetimefield_value(minute), view_name[:view_name_length],
                               *counts]
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(quoted)}) VALUES {placeholders} "
                    f"ON CONFLICT ({quoted[0]}, {quoted[1]}) DO UPDATE SET {additions}",
                    params,
                )
    return len(rows)


def request_minutes_tidy(*, now: datetime | None = None) -> dict[str, int]:
    """The nightly job: roll up old minutes into hours, delete what is past its retention."""
    now = now or timezone.now()
    return {"rolled_up": request_minutes_roll_up(now=now), "deleted": request_minutes_prune(now=now)}


def request_minutes_roll_up(*, now: datetime | None = None) -> int:
    """Replace the minutes of each hour (UTC) that ended more than MINUTES_KEPT ago by one row per page holding
    their sums, dated at the start of the hour; returns how many rows fewer there are. Every figure the pages read
    (requests, errors, time, histograms over hours or days) stays the same.

    A flush adding to a minute of those hours while they are rolled up (a process whose database was unreachable
    for two days) could be lost; the flush's upsert adds to the hour row if it comes after."""
    before = ((now or timezone.now()) - MINUTES_KEPT).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    window = RequestMinute.objects.filter(minute__gte=before - ROLL_UP_WINDOW, minute__lt=before)
    with transaction.atomic():
        hours = list(window.annotate(hour=TruncHour("minute", tzinfo=UTC)).values("hour", "view_name")
                     .annotate(**{field: Sum(field) for field in COUNTER_FIELDS}).order_by())
        deleted, _ = window.delete()
        RequestMinute.objects.bulk_create(
            [RequestMinute(minute=row.pop("hour"), **row) for row in hours], batch_size=BATCH)
    return deleted - len(hours)


def request_minutes_prune(*, now: datetime | None = None) -> int:
    """Delete the rows older than SHOP_MONITORING_KEEP_DAYS (90 by default); returns how many went."""
    before = (now or timezone.now()) - timedelta(days=settings.SHOP_MONITORING_KEEP_DAYS)
    deleted, _ = RequestMinute.objects.filter(minute__lt=before).delete()
    return deleted
