from django.urls import path

from . import api

app_name = "inventory_api"

urlpatterns = [
    path("stock/movements/", api.movement_create, name="movement_create"),
    path("stock/<str:sku>/", api.stock_detail, name="stock_detail"),
]
