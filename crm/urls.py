from django.urls import path

from . import views

app_name = "crm"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("account/orders/", views.account_orders, name="account_orders"),
    path("account/privacy/", views.account_privacy, name="account_privacy"),
    path("account/privacy/export/", views.account_privacy_export, name="account_privacy_export"),
    path("account/privacy/erase/", views.account_privacy_erase, name="account_privacy_erase"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
