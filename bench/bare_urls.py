"""The framework's floor for the benchmark: one view that returns a few bytes through the shop's middleware."""

from django.http import HttpResponse
from django.urls import path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare/", bare)]
