"""The Prometheus endpoint. Served only to a scraper that sends `Authorization: Bearer <SHOP_METRICS_TOKEN>`, or
that connects from one of SHOP_METRICS_ALLOWED_NETWORKS; to anyone else it does not exist (404), or asks for the
token (401) when one is configured. Neither is set by default, so a shop that has not configured it exposes nothing.

Behind a reverse proxy every request comes from the proxy's address: do not list that address in
SHOP_METRICS_ALLOWED_NETWORKS, use the token (or let Prometheus reach the web server directly).
"""

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .metrics import REGISTRY


@never_cache
@require_GET
def metrics(request):
    token = settings.SHOP_METRICS_TOKEN
    if not (_token_given(request, token) or _from_allowed_network(request)):
        if not token:
            raise Http404
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def _token_given(request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _from_allowed_network(request) -> bool:
    networks = _networks(tuple(settings.SHOP_METRICS_ALLOWED_NETWORKS))
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in networks)


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())
