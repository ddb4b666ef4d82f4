from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.DashboardsHome.as_view(), name="index"),
    *[path(f"{page.slug}/", page.as_view(), name=page.slug) for page in views.PAGES],
]
