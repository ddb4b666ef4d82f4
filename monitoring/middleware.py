"""RequestMetricsMiddleware — times every request and counts it per page (URL name) and minute.

First in MIDDLEWARE, so the time covers every other middleware too (sessions, CSRF, gzip, WhiteNoise's static
files). Counts go to the process's recorder (monitoring.recorder), which adds them to the database every few
seconds: no row, and no query, per request. A request that no URL matched is counted as "unresolved" (404s, and
redirects or refusals by a middleware before the URL was looked up), a static file as "static".
"""

import logging
from time import perf_counter

from django.conf import settings

from .recorder import recorder

logger = logging.getLogger(__name__)

UNRESOLVED = "unresolved"
STATIC = "static"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request):
        started = perf_counter()
        response = self.get_response(request)
        seconds = perf_counter() - started
        try:
            match = request.resolver_match
            if match is not None:
                view_name = match.view_name
            elif request.path_info.startswith(self.static_prefix):
                view_name = STATIC
            else:
                view_name = UNRESOLVED
            recorder.record(view_name, response.status_code, seconds)
        except Exception:  # counting must never cost the visitor their page
            logger.exception("Request metrics: this request was not counted.")
        return response
