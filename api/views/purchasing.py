"""Purchase orders: read (with lines and timeline) by whoever may view them (Warehouse, Accounts, Managers); drafts
made, sent to the supplier and received into stock through purchasing's services (needs "add" to make one,
"change" to send or receive: Warehouse, Managers), with the same rules and messages as the admin.

PurchaseOrder has no updated_at: its ``updated_at`` here (and ``?updated_since=``) is its last change, the newest
line of its timeline (every status move writes one: made, sent, received, cancelled), else when it was made. A
draft's lines edited in the admin write no timeline line and do not move it."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from purchasing.models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine
from purchasing.services.orders import (
    PurchasingError,
    purchase_order_create,
    purchase_order_receive,
    purchase_order_send,
)

from ..errors import ErrorSerializer, FieldErrorsSerializer, error_response
from ..filters import UPDATED_SINCE
from ..idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from ..serializers import PurchaseOrderCreateSerializer, PurchaseOrderReceiveSerializer, PurchaseOrderSerializer

VIEW = "purchasing.view_purchaseorder"
RECEIVABLE = (PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTLY_RECEIVED)


@extend_schema_view(
    list=extend_schema(summary="Purchase orders", parameters=[UPDATED_SINCE]),
    retrieve=extend_schema(summary="One purchase order, by its id"),
)
class PurchaseOrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PurchaseOrderSerializer
    lookup_value_regex = "[0-9]+"
    updated_field = "updated_at"
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"create": [VIEW, "purchasing.add_purchaseorder"],
                          "send": [VIEW, "purchasing.change_purchaseorder"],
                          "receive": [VIEW, "purchasing.change_purchaseorder"]}

    def get_queryset(self):
        last_event = PurchaseOrderEvent.objects.filter(order=OuterRef("pk")).order_by("-created_at", "-pk")
        return (PurchaseOrder.objects.select_related("supplier", "location")
                .annotate(updated_at=Coalesce(Subquery(last_event.values("created_at")[:1]), "created_at"))
                .prefetch_related(Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("variant")),
                                  "events"))

    def _answer(self, order, code=status.HTTP_200_OK):
        return Response(PurchaseOrderSerializer(self.get_queryset().get(pk=order.pk)).data, status=code)

    @extend_schema(
        summary="Make a draft purchase order",
        request=PurchaseOrderCreateSerializer, parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: PurchaseOrderSerializer, 400: FieldErrorsSerializer},
        description="A line per SKU; a unit cost left out is the supplier's for that SKU (a SKU the supplier does "
                    "not list needs one). The order is a draft until sent.",
    )
    @idempotent
    def create(self, request):
        serializer = PurchaseOrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            order = purchase_order_create(
                supplier=data["supplier"], location=data["location"], expected_on=data["expected_on"],
                notes=data["notes"], user=request.user,
                lines=[(line["sku"], line["quantity"], line["unit_cost"]) for line in data["lines"]])
        except PurchasingError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error))
        return self._answer(order, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send the draft to the supplier",
        request=None, parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={200: PurchaseOrderSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        description="Draft → sent: the supplier is emailed the order with its PDF. A purchase order that is not a "
                    "draft, has no lines or whose supplier has no email answers 409.",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def send(self, request, pk=None):
        order = self.get_object()
        try:
            order = purchase_order_send(order=order, user=request.user)
        except PurchasingError as error:
            return error_response(status.HTTP_409_CONFLICT, str(error))
        return self._answer(order)

    @extend_schema(
        summary="Receive goods against the purchase order",
        request=PurchaseOrderReceiveSerializer, parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={200: PurchaseOrderSerializer, 400: FieldErrorsSerializer, 404: ErrorSerializer,
                   409: ErrorSerializer},
        description="The units received now on each line become receipts in the stock ledger at the location, the "
                    "SKUs' cost becomes the weighted average and waiting backorders are filled, oldest order first; "
                    "the order becomes partly or fully received. More units than a line still expects: 400, nothing "
                    "recorded. A purchase order that is not sent (or partly received): 409.",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def receive(self, request, pk=None):
        order = self.get_object()
        serializer = PurchaseOrderReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quantities = serializer.validated_data["lines"]
        line_ids = {line.pk for line in order.lines.all()}
        unknown = sorted(set(quantities) - line_ids)
        if unknown:
            return error_response(status.HTTP_400_BAD_REQUEST, _("Some fields are not valid."), fields={"lines": [
                _("Purchase order %(number)s has no line %(line)d.") % {"number": order.number, "line": pk}
                for pk in unknown]})
        try:
            order = purchase_order_receive(order=order, quantities=quantities, user=request.user,
                                           location=serializer.validated_data.get("location") or order.location)
        except PurchasingError as error:
            order.refresh_from_db(fields=["status"])
            code = status.HTTP_400_BAD_REQUEST if order.status in RECEIVABLE else status.HTTP_409_CONFLICT
            return error_response(code, str(error))
        return self._answer(order)
