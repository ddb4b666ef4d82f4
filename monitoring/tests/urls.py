"""A URL configuration for the middleware's tests: a page that answers, one that fails, and the shop's /metrics."""

from django.http import HttpResponse
from django.urls import include, path


def fine(request):
    return HttpResponse("ok", content_type="text/plain")


def broken(request):
    raise RuntimeError("this page is broken")


def forbidden(request):
    return HttpResponse("no", status=403, content_type="text/plain")


urlpatterns = [
    path("fine/", fine, name="fine"),
    path("broken/", broken, name="broken"),
    path("forbidden/", forbidden, name="forbidden"),
    path("", include("monitoring.urls")),
]
