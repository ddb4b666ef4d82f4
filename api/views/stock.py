"""Stock levels and the ledger; the point-of-sale endpoints (SPEC I5), moved from inventory.api unchanged:

- ``POST /api/v1/stock/movements/`` records an in-store sale, a return or a receipt through inventory.services. Its
  ``Idempotency-Key`` is kept on the ledger line itself (unique among all movements, with a fingerprint of who sent
  what): a retry answers 200 with the movement already recorded; the same key with another request (or from another
  user) 422.
- ``GET /api/v1/stock/<sku>/`` gives the SKU's stock per location and what is available online.
"""

from django.db import IntegrityError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import ProductVariant
from inventory import selectors as stock_selectors
from inventory import services as stock_services

from ..errors import ErrorSerializer, FieldErrorsSerializer, error_response
from ..filters import UPDATED_SINCE
from ..idempotency import IDEMPOTENCY_KEY_PARAMETER, fingerprint, key_problem
from ..serializers import MovementCreateSerializer, MovementSerializer, SkuStockSerializer, StockLevelSerializer

RECORD_PERMISSION = "inventory.add_stockmovement"
VIEW_PERMISSION = "inventory.view_stock"
RECORDERS = {
    "in_store_sale": stock_services.stock_sell_in_store,
    "return": stock_services.stock_return,
    "receipt": stock_services.stock_receive,
}


@extend_schema_view(get=extend_schema(summary="Stock levels (a SKU at a location)", parameters=[UPDATED_SINCE]))
class StockLevelList(generics.ListAPIView):
    serializer_class = StockLevelSerializer
    method_permissions = {"GET": [VIEW_PERMISSION]}
    updated_field = "updated_at"

    def get_queryset(self):
        return stock_selectors.stock_levels()


class MovementListCreate(generics.ListAPIView):
    """The stock ledger (GET) and the point-of-sale's way to record a movement (POST)."""

    serializer_class = MovementSerializer
    method_permissions = {"GET": ["inventory.view_stockmovement"], "POST": [RECORD_PERMISSION]}
    updated_field = "created_at"  # the ledger is append-only: a line never changes after it is written

    def get_queryset(self):
        return stock_selectors.stock_movements()

    @extend_schema(summary="The stock ledger, oldest first", parameters=[UPDATED_SINCE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Record an in-store sale, a return or a receipt",
        request=MovementCreateSerializer, parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: MovementSerializer, 200: OpenApiResponse(MovementSerializer, "Already recorded (a retry)"),
                   400: FieldErrorsSerializer, 409: ErrorSerializer, 422: ErrorSerializer},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        problem = key_problem(key, missing=_(
            "The Idempotency-Key header is required: a unique id for this movement, such as the till's receipt line, "
            "so that a retried request is recorded once."))
        if problem:
            return error_response(status.HTTP_400_BAD_REQUEST, problem)
        if request.stream is None:  # an empty body
            return error_response(status.HTTP_400_BAD_REQUEST, _("The body must be a JSON object."))
        payload = request.data
        print_ = fingerprint(parts=[str(request.user.pk)], payload=payload)
        if (answer := self._replay(key, print_)) is not None:
            return answer
        serializer = MovementCreateSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        price = {"unit_price": data["unit_price"]} if data["kind"] == "in_store_sale" else {}
        try:
            movement = RECORDERS[data["kind"]](
                variant=data["sku"], location=data["location"], quantity=data["quantity"], user=request.user,
                reason=data["reason"], reference=data["reference"], idempotency_key=key, request_fingerprint=print_,
                **price,
            )
        except stock_services.InsufficientStock as error:
            return error_response(status.HTTP_409_CONFLICT, str(error),
                                  available=error.shortages.get(data["sku"].pk, 0))
        except IntegrityError:  # the same key, sent twice at the same moment: the other request recorded it
            if (answer := self._replay(key, print_)) is not None:
                return answer
            raise
        if data["kind"] == "receipt":
            # Once the receipt is committed: waiting backorders first, then "email me when it is back" sign-ups.
            stock_services.restock_after_commit(variant_ids=[data["sku"].pk], user=request.user)
        return Response(MovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _replay(key: str, print_: str):
        """The answer to a request whose key was already used: the recorded movement (200) when the request is the
        same one again, 422 when it is another request; None when the key is new."""
        done = stock_selectors.stock_movement_by_idempotency_key(key)
        if done is None:
            return None
        # Movements recorded before fingerprints were kept have none: they answer as before.
        if done.request_fingerprint and done.request_fingerprint != print_:
            return error_response(422, _("This Idempotency-Key was already used for a different request, so nothing "
                                         "was recorded. Send a new key for a new movement."))
        return Response(MovementSerializer(done).data, status=status.HTTP_200_OK)


class SkuStock(APIView):
    method_permissions = {"GET": [VIEW_PERMISSION]}

    @extend_schema(summary="A SKU's stock per location and online", responses={200: SkuStockSerializer,
                                                                                404: ErrorSerializer})
    def get(self, request, sku):
        variant = ProductVariant.objects.select_related("product").filter(sku__iexact=sku).first()
        if variant is None:
            return error_response(status.HTTP_404_NOT_FOUND, _("No product has the SKU “%(sku)s”.") % {"sku": sku})
        return Response(SkuStockSerializer({
            "sku": variant.sku,
            "product": variant.product.name,
            "online_available": stock_selectors.availability_by_variant([variant.pk])[variant.pk].online,
            "locations": stock_selectors.stock_levels_of(variant),
        }).data)
