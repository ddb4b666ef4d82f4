"""/api/v1/: the back office's REST API. Anything else under /api/v1/ answers a JSON 404."""

from django.urls import path, re_path
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from .errors import not_found_response
from .views import catalog, customers, docs, orders, purchasing, stock

app_name = "api"

router = SimpleRouter()
router.register("products", catalog.ProductViewSet, basename="product")
router.register("variants", catalog.VariantViewSet, basename="variant")
router.register("orders", orders.OrderViewSet, basename="order")
router.register("customers", customers.CustomerViewSet, basename="customer")
router.register("purchase-orders", purchasing.PurchaseOrderViewSet, basename="purchase-order")


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
def not_found(request, rest=""):
    return not_found_response()


not_found.cls.schema = None  # not an operation of the schema

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    path("stock/", stock.StockLevelList.as_view(), name="stock_list"),
    path("stock/movements/", stock.MovementListCreate.as_view(), name="movement_create"),
    path("stock/<str:sku>/", stock.SkuStock.as_view(), name="stock_detail"),
    *router.urls,
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
