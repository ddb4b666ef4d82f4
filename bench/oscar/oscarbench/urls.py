"""Oscar's documented URLs (i18n, admin, the shop) and the benchmark's bare view."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from oscarbench.views import bare

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("bench/bare/", bare),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
