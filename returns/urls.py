from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("orders/<str:number>/return/", views.return_create, name="return_create"),
    path("returns/policy/", views.policy, name="policy"),
]
