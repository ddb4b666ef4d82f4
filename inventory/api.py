"""A small JSON API for an existing point-of-sale or back-office system (SPEC I5).

Authentication: ``Authorization: Bearer <key>`` with a key created in the admin (Inventory › API tokens); the
request acts as the token's staff user, who needs the permission to record stock movements.

- ``POST /api/v1/stock/movements/`` records an in-store sale, a return or a receipt (an in-store sale may give
  ``unit_price``, what the customer paid per unit before taxes: the catalogue price when left out). The
  ``Idempotency-Key`` header is required (a unique string of up to 64 printable ASCII characters, e.g. the till's
  receipt line id; 400 without it): a retried request with the same key and the same body is recorded once and
  answers 200 with the movement already recorded; the same key with a different body (or from another user)
  answers 422 and records nothing.
- ``GET /api/v1/stock/<sku>/`` gives the SKU's stock per location and what is available online.
"""

import hashlib
import json
import re
from functools import wraps

from django.db import IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from catalog.models import ProductVariant

from . import services
from .forms import ApiMovementForm
from .models import Stock, StockMovement
from .selectors import availability_by_variant

RECORD_PERMISSION = "inventory.add_stockmovement"
VIEW_PERMISSION = "inventory.view_stock"
RECORDERS = {
    "in_store_sale": services.stock_sell_in_store,
    "return": services.stock_return,
    "receipt": services.stock_receive,
}


def _error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def token_required(permission):
    def decorator(view):
        @csrf_exempt  # no cookies are involved: the key in the header is the proof
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
            user = services.api_token_user(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
            if user is None:
                response = _error(401, _("A valid API key is required (Authorization: Bearer <key>)."))
                response["WWW-Authenticate"] = "Bearer"
                return response
            if not user.has_perm(permission):
                return _error(403, _("This key's user may not do that."))
            request.user = user
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _movement_json(movement: StockMovement) -> dict:
    return {
        "id": movement.pk,
        "kind": movement.kind,
        "sku": movement.variant.sku,
        "location": movement.location.code,
        "quantity_change": movement.on_hand_delta,
        "on_hand": movement.on_hand_after,
        "reserved": movement.reserved_after,
        "available": movement.on_hand_after - movement.reserved_after,
        "reference": movement.reference,
        "unit_price": None if movement.unit_price is None else str(movement.unit_price),
        "recorded_at": movement.created_at.isoformat(),
    }


# What a till may send as Idempotency-Key: printable ASCII (it is compared and stored as it is).
_IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]+")


def _fingerprint(user, payload: dict) -> str:
    """Who sent the request and what it says, independent of the JSON's key order and spacing."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{user.pk}\n{body}".encode()).hexdigest()


def _replay(key: str, fingerprint: str):
    """The answer to a request whose key was already used: the recorded movement (200) when the request is the same
    one again, 422 when it is another request; None when the key is new."""
    done = StockMovement.objects.select_related("variant", "location").filter(idempotency_key=key).first()
    if done is None:
        return None
    # Movements recorded before fingerprints were kept have none: they answer as before.
    if done.request_fingerprint and done.request_fingerprint != fingerprint:
        return _error(422, _("This Idempotency-Key was already used for a different request, so nothing was "
                             "recorded. Send a new key for a new movement."))
    return JsonResponse(_movement_json(done), status=200)


@require_POST
@token_required(RECORD_PERMISSION)
def movement_create(request):
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return _error(400, _("The Idempotency-Key header is required: a unique id for this movement, such as the "
                             "till's receipt line, so that a retried request is recorded once."))
    if len(key) > 64:
        return _error(400, _("The Idempotency-Key header may be 64 characters at most."))
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        return _error(400, _("The Idempotency-Key header may hold only printable ASCII characters."))
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, _("The body must be JSON."))
    if not isinstance(payload, dict):
        return _error(400, _("The body must be a JSON object."))
    fingerprint = _fingerprint(request.user, payload)
    if (answer := _replay(key, fingerprint)) is not None:
        return answer
    form = ApiMovementForm({k: v for k, v in payload.items() if isinstance(v, str | int) and not isinstance(v, bool)})
    if not form.is_valid():
        return _error(400, _("Some fields are not valid."), fields=form.errors.get_json_data())
    data = form.cleaned_data
    try:
        price = {"unit_price": data["unit_price"]} if data["kind"] == "in_store_sale" else {}
        movement = RECORDERS[data["kind"]](
            variant=data["sku"], location=data["location"], quantity=data["quantity"], user=request.user,
            reason=data["reason"], reference=data["reference"], idempotency_key=key, request_fingerprint=fingerprint,
            **price,
        )
    except services.InsufficientStock as error:
        return _error(409, str(error), available=error.shortages.get(data["sku"].pk, 0))
    except IntegrityError:  # the same key, sent twice at the same moment: the other request recorded it
        if (answer := _replay(key, fingerprint)) is not None:
            return answer
        raise
    if data["kind"] == "receipt":
        # Once the receipt is committed: waiting backorders first, then "email me when it is back" sign-ups.
        services.restock_after_commit(variant_ids=[data["sku"].pk], user=request.user)
    return JsonResponse(_movement_json(movement), status=201)


@require_GET
@token_required(VIEW_PERMISSION)
def stock_detail(request, sku):
    variant = ProductVariant.objects.select_related("product").filter(sku__iexact=sku).first()
    if variant is None:
        return _error(404, _("No product has the SKU “%(sku)s”.") % {"sku": sku})
    levels = Stock.objects.filter(variant=variant, location__is_active=True).select_related("location")
    return JsonResponse({
        "sku": variant.sku,
        "product": variant.product.name,
        "online_available": availability_by_variant([variant.pk])[variant.pk].online,
        "locations": [
            {"code": s.location.code, "name": s.location.name, "ships_online": s.location.ships_online,
             "on_hand": s.on_hand, "reserved": s.reserved, "available": s.available}
            for s in levels.order_by("location__priority", "location__name")
        ],
    })
