from django.urls import path

from . import views

app_name = "payments"

# "Pay now" (orders/<number>/pay/, payments:order_pay) is checkout's: shop/urls.py adds it to this namespace.
urlpatterns = [
    path("account/statement/", views.statement, name="statement"),
]
