"""Customers: the CRM's contacts of kind "customer", read by whoever may view contacts (Marketing, Managers)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from crm.models import Contact

from ..filters import UPDATED_SINCE
from ..serializers import CustomerSerializer


@extend_schema_view(
    list=extend_schema(summary="Customers", parameters=[UPDATED_SINCE]),
    retrieve=extend_schema(summary="One customer"),
)
class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CustomerSerializer
    queryset = Contact.objects.filter(kind=Contact.Kind.CUSTOMER).select_related("company")
    updated_field = "updated_at"
