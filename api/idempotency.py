"""``Idempotency-Key`` on every write: a retried request returns the first answer and does nothing twice.

The key is the client's id for one write (up to 64 printable ASCII characters), remembered per user with the
answer for settings.SHOP_API_IDEMPOTENCY_HOURS (api.IdempotencyKey):
- no key, or a malformed one: 400, nothing done;
- a new key: the write runs; a success (2xx) is remembered, a failure is not (it changed nothing: send it again,
  corrected, with the same key);
- the same key and the same request (method, path, JSON body whatever its key order): the first answer again, with
  ``Idempotent-Replayed: true``; nothing is done;
- the same key with another request: 422, nothing done;
- the same key while the first request is still running: 409, try again in a moment.
"""

import datetime
import hashlib
import json
import re
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from .errors import error_response
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
# What may be sent as Idempotency-Key: printable ASCII (it is compared and stored as it is).
KEY_PATTERN = re.compile(r"[\x20-\x7e]+")
KEY_MAX = 64

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="A unique id for this write (up to 64 printable ASCII characters), e.g. the till's receipt line: "
                "a retried request with the same key is done once.",
    pattern=r"^[!-~][ -~]{0,62}[!-~]$|^[!-~]$",
)


def key_problem(key: str, *, missing: str = "") -> str | None:
    """Why the header's value cannot be used, or None."""
    if not key:
        return missing or _("The Idempotency-Key header is required: a unique id for this write, so that a retried "
                            "request is done once.")
    if len(key) > KEY_MAX:
        return _("The Idempotency-Key header may be 64 characters at most.")
    if not KEY_PATTERN.fullmatch(key):
        return _("The Idempotency-Key header may hold only printable ASCII characters.")
    return None


def fingerprint(*, parts: list[str], payload) -> str:
    """Who asked what, independent of the JSON's key order and spacing."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256("\n".join([*parts, body]).encode()).hexdigest()


def _claim(*, user, key: str, print_: str):
    """The row for (user, key), created if new (then returned with created=True)."""
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=expired_before()).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key), False


def idempotent(view_method):
    """Decorate a write view method (self, request, *args, **kwargs) of an APIView/ViewSet."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if (problem := key_problem(key)) is not None:
            return error_response(status.HTTP_400_BAD_REQUEST, problem)
        print_ = fingerprint(parts=[request.method, request.path], payload=request.data)
        record, created = _claim(user=request.user, key=key, print_=print_)
        if not created:
            if record.fingerprint != print_:
                return error_response(status.HTTP_422_UNPROCESSABLE_ENTITY, _(
                    "This Idempotency-Key was already used for a different request, so nothing was done. Send a "
                    "new key for a new request."))
            if record.status is None:
                return error_response(status.HTTP_409_CONFLICT, _(
                    "A request with this Idempotency-Key is still being processed; try again in a moment."))
            replay = Response(record.body, status=record.status)
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        if 200 <= response.status_code < 300:
            IdempotencyKey.objects.filter(pk=record.pk).update(status=response.status_code,
                                                               body=json.loads(json.dumps(response.data, default=str)))
        else:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
        return response

    return wrapper


def expired_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=settings.SHOP_API_IDEMPOTENCY_HOURS)
