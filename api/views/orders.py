"""Orders: read (with lines, shipments and timeline) by whoever may view orders; moved along their statuses through
orders' one transition function (needs "change order"); parcels shipped through shipping's services (needs "add
shipment"), which take the stock off the shelf, move the order and email the customer."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from orders.models import Order
from orders.services.status import TransitionNotAllowed, order_transition
from payments.services import PaymentError
from payments.services.cancellation import cancellation_plan, order_cancel
from shipping.models import Shipment
from shipping.services.shipments import ShipmentError, shipment_create

from ..errors import ErrorSerializer, FieldErrorsSerializer, error_response
from ..filters import UPDATED_SINCE
from ..idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from ..serializers import (
    OrderSerializer,
    OrderTransitionSerializer,
    ShipmentCreateSerializer,
    ShipmentSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="Orders", parameters=[UPDATED_SINCE]),
    retrieve=extend_schema(summary="One order, by its number"),
)
class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    updated_field = "updated_at"
    action_permissions = {"transition": ["orders.view_order", "orders.change_order"],
                          "shipments": ["orders.view_order", "shipping.add_shipment"]}

    def get_queryset(self):
        return Order.objects.prefetch_related(
            "lines", "events",
            Prefetch("shipments", queryset=Shipment.objects.select_related("carrier").prefetch_related("lines")),
        )

    @extend_schema(
        summary="Move the order to another status",
        request=OrderTransitionSerializer, parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={200: OrderSerializer, 400: FieldErrorsSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        description="Along the allowed moves only (e.g. paid → preparing); cancelling gives the stock back, "
                    "shipping takes it off the shelf. A move that is not allowed answers 409.",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def transition(self, request, number=None):
        order = get_object_or_404(Order, number=number)
        serializer = OrderTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        to = serializer.validated_data["status"]
        if to in (Order.Status.READY_FOR_PICKUP,) or (
                to == Order.Status.DELIVERED and order.status == Order.Status.READY_FOR_PICKUP):
            # The store's own steps (shipping.services.pickups): its staff only, the customer emailed, the name of
            # who collected it recorded.
            return error_response(status.HTTP_409_CONFLICT, _("A pickup is made ready and handed over by the store's "
                                                              "staff, in the admin's Pickups."))
        try:
            if to == Order.Status.CANCELLED:
                # As the admin's "Cancel…": card payments refunded, other money listed as owed, the customer told.
                if cancellation_plan(order=order).card_refunds and not request.user.has_perm("payments.add_refund"):
                    return error_response(status.HTTP_403_FORBIDDEN,
                                          _("Cancelling this order refunds a card payment: you may not add refunds."))
                order_cancel(order=order, user=request.user, reason=serializer.validated_data["note"])
            else:
                order_transition(order=order, to=to, user=request.user, note=serializer.validated_data["note"])
        except (TransitionNotAllowed, PaymentError) as error:
            return error_response(status.HTTP_409_CONFLICT, str(error))
        return Response(OrderSerializer(self.get_queryset().get(pk=order.pk)).data)

    @extend_schema(
        summary="Ship a parcel of the order",
        request=ShipmentCreateSerializer, parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: ShipmentSerializer, 400: FieldErrorsSerializer, 404: ErrorSerializer},
        description="The units of each line in the parcel leave the shelf (stock ledger); the order becomes "
                    "\"being prepared\" or, once nothing is left, \"shipped\"; the customer is emailed.",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def shipments(self, request, number=None):
        order = get_object_or_404(Order, number=number)
        serializer = ShipmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            shipment = shipment_create(order=order, carrier=data["carrier"], tracking_number=data["tracking_number"],
                                       quantities=data["lines"], user=request.user)
        except ShipmentError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error))
        shipment = Shipment.objects.select_related("carrier").prefetch_related("lines").get(pk=shipment.pk)
        return Response(ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)
