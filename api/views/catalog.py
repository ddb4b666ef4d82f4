"""Products and their variants (SKUs): read with "view", written by whoever holds "add"/"change" (Catalogue
managers, Managers). Nothing is deleted through the API: a product or SKU is deactivated (is_active false)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from catalog import page_cache
from catalog.models import Product, ProductVariant

from ..errors import FieldErrorsSerializer
from ..filters import UPDATED_SINCE
from ..idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from ..serializers import ProductSerializer, VariantSerializer

WRITE_DOCS = {"parameters": [IDEMPOTENCY_KEY_PARAMETER]}


class CatalogWrites(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Saves like the admin does (catalog.admin's CatalogChangeMixin): the cached pages are refreshed once the
    change is committed."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()
            transaction.on_commit(page_cache.catalog_changed, robust=True)

    def perform_update(self, serializer):
        self.perform_create(serializer)

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @idempotent
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)


def _write_schemas(name, serializer):
    return {
        "list": extend_schema(summary=f"{name}s", parameters=[UPDATED_SINCE]),
        "retrieve": extend_schema(summary=f"One {name.lower()}"),
        "create": extend_schema(summary=f"Add a {name.lower()}", responses={201: serializer,
                                                                             400: FieldErrorsSerializer},
                                **WRITE_DOCS),
        "update": extend_schema(summary=f"Change a {name.lower()}", responses={200: serializer,
                                                                                400: FieldErrorsSerializer},
                                **WRITE_DOCS),
        "partial_update": extend_schema(summary=f"Change some fields of a {name.lower()}",
                                        responses={200: serializer, 400: FieldErrorsSerializer}, **WRITE_DOCS),
    }


@extend_schema_view(**_write_schemas("Product", ProductSerializer))
class ProductViewSet(CatalogWrites, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    queryset = Product.objects.select_related("category").prefetch_related("variants")
    updated_field = "updated_at"


@extend_schema_view(**_write_schemas("Variant", VariantSerializer))
class VariantViewSet(CatalogWrites, viewsets.ReadOnlyModelViewSet):
    serializer_class = VariantSerializer
    queryset = ProductVariant.objects.all()
    updated_field = "updated_at"
