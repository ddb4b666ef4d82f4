"""A small JSON API for an existing point-of-sale or back-office system (SPEC I5).

Authentication: ``Authorization: Bearer <key>`` with a key created in the admin (Inventory › API tokens); the
request acts as the token's staff user, who needs the permission to record stock movements.

- ``POST /api/v1/stock/movements/`` records an in-store sale, a return or a receipt. Send an ``Idempotency-Key``
  header (any unique string up to 64 characters, e.g. the till's receipt line id): a retried request with the same
  key is recorded once and answers with the movement already recorded.
- ``GET /api/v1/stock/<sku>/`` gives the SKU's stock per location and what is available online.
"""

import json
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
        "recorded_at": movement.created_at.isoformat(),
    }


def _already_recorded(key: str):
    if not key:
        return None
    return StockMovement.objects.select_related("variant", "location").filter(idempotency_key=key).first()


@require_POST
@token_required(RECORD_PERMISSION)
def movement_create(request):
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 64:
        return _error(400, _("The Idempotency-Key header may be 64 characters at most."))
    if (done := _already_recorded(key)) is not None:
        return JsonResponse(_movement_json(done), status=200)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, _("The body must be JSON."))
    if not isinstance(payload, dict):
        return _error(400, _("The body must be a JSON object."))
    form = ApiMovementForm({k: v for k, v in payload.items() if isinstance(v, str | int) and not isinstance(v, bool)})
    if not form.is_valid():
        return _error(400, _("Some fields are not valid."), fields=form.errors.get_json_data())
    data = form.cleaned_data
    try:
        movement = RECORDERS[data["kind"]](
            variant=data["sku"], location=data["location"], quantity=data["quantity"], user=request.user,
            reason=data["reason"], reference=data["reference"], idempotency_key=key,
        )
    except services.InsufficientStock as error:
        return _error(409, str(error), available=error.shortages.get(data["sku"].pk, 0))
    except IntegrityError:  # the same key, sent twice at the same moment: the other request recorded it
        if (done := _already_recorded(key)) is not None:
            return JsonResponse(_movement_json(done), status=200)
        raise
    if data["kind"] == "receipt":
        from shipping.services.backinstock import restock_after_commit

        # Once the receipt is committed: waiting backorders first, then "email me when it is back" sign-ups.
        restock_after_commit(variant_ids=[data["sku"].pk], user=request.user)
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
