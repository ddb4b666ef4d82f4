from django.urls import path

from . import views

app_name = "shipping"

urlpatterns = [
    path("back-in-stock/", views.back_in_stock_request, name="back_in_stock_request"),
]
