from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("orders/<str:number>/pay/", views.order_pay, name="order_pay"),
    path("account/statement/", views.statement, name="statement"),
]
