from django.urls import path

from . import views

app_name = "payments"

# "Pay now" (orders/<number>/pay/, payments:order_pay) is checkout's: shop/urls.py adds it to this namespace.
urlpatterns = [
    path("account/statement/", views.statement, name="statement"),
    path("orders/<str:number>/invoice/", views.invoice_document, name="invoice"),
    path("orders/<str:number>/credit-notes/<int:pk>/", views.credit_note_document, name="credit_note"),
]
