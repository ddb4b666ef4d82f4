"""``?updated_since=<ISO 8601 date and time>``: only what changed since then, for syncing another system.

A client keeps the largest ``updated_at`` it received and asks for what changed since; lists are ordered by
``updated_at`` then ``id`` so that paging through the changes misses nothing."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import filters
from rest_framework.exceptions import ValidationError

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, OpenApiParameter.QUERY,
    description="Only what changed at or after this ISO 8601 date and time (e.g. 2026-01-31T09:00:00-07:00; "
                "without an offset, the shop's time zone).",
)


def updated_since(request) -> datetime.datetime | None:
    raw = request.query_params.get("updated_since")
    if raw is None:
        return None
    raw = raw.strip().replace(" ", "+")  # "+07:00" sent unencoded arrives as " 07:00"
    message = _("Enter an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z.")
    try:
        value = parse_datetime(raw)
        if value is None and len(raw) == 10:  # a date alone: from its midnight
            value = parse_datetime(raw + "T00:00:00")
        if value is None:
            raise ValueError(raw)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        # in UTC: PostgreSQL takes offsets up to 15:59 only; OverflowError: year 1 with an offset, year 9999
        value = value.astimezone(datetime.UTC)
    except (ValueError, OverflowError) as error:
        raise ValidationError({"updated_since": [message]}) from error
    return value


class UpdatedSinceFilter(filters.BaseFilterBackend):
    """For views with ``updated_field`` (the model's updated timestamp; created_at for append-only records)."""

    def filter_queryset(self, request, queryset, view):
        field = getattr(view, "updated_field", None)
        if field is None or getattr(view, "action", "list") != "list":
            return queryset
        since = updated_since(request)
        if since is not None:
            queryset = queryset.filter(**{f"{field}__gte": since})
        return queryset.order_by(field, "pk")

    def get_schema_operation_parameters(self, view):
        if getattr(view, "updated_field", None) is None or getattr(view, "action", "list") != "list":
            return []
        return [{"name": "updated_since", "in": "query", "required": False,
                 "description": UPDATED_SINCE.description, "schema": {"type": "string", "format": "date-time"}}]
