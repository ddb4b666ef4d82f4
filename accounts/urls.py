from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("account/addresses/", views.address_list, name="address_list"),
    path("account/addresses/<int:pk>/edit/", views.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
]
