"""Junk in a URL gets the shop's 404 page, never a 500: a NUL byte (which PostgreSQL refuses in any string) or
another control character in the path, or a NUL byte in the query string, on every route of the shop."""

import re

import pytest
from django.urls import get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern, URLResolver

pytestmark = pytest.mark.django_db

JUNK = "%00"


def routes(patterns=None, prefix=""):
    """Every URL pattern of the shop as a path, its parameters replaced by JUNK; i18n patterns in English and
    French."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            parts = ["", "fr/"]
        elif isinstance(pattern.pattern, RoutePattern):
            parts = [re.sub(r"<[^>]+>", JUNK, pattern.pattern._route)]
        else:  # a regular expression: each group becomes JUNK
            regex = re.sub(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)", JUNK, pattern.pattern._regex)
            parts = [regex.lstrip("^").rstrip("$").replace("\\", "")]
        for part in parts:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + part)
            else:
                yield "/" + prefix + part


def test_the_routes_cover_the_shop_in_both_languages_and_the_admin():
    found = set(routes())

    assert {"/orders/%00/", "/fr/orders/%00/", "/api/v1/stock/%00/", "/search/", "/fr/search/",
            "/products/%00/", "/admin/orders/order/%00/change/", "/media/%00"} <= found
    assert len(found) > 300


def test_a_nul_byte_in_any_parameter_of_any_route_is_a_404(client):
    client.raise_request_exception = False
    answers = {path: client.get(path).status_code for path in sorted(set(routes())) if JUNK in path}

    assert {path: status for path, status in answers.items() if status != 404} == {}
    assert len(answers) > 150


def test_a_nul_byte_in_the_query_string_of_any_route_is_a_404(client):
    client.raise_request_exception = False
    answers = {path: client.get(path + "?q=%00&page=1&t=x%00y").status_code
               for path in sorted(set(routes())) if JUNK not in path}

    assert {path: status for path, status in answers.items() if status != 404} == {}
    assert len(answers) > 100


@pytest.mark.parametrize("path", [
    "/orders/%00/", "/fr/orders/%00/", "/api/v1/stock/%00/", "/search/?q=%00", "/fr/search/?q=tea%00pot",
    "/help/?q=%00", "/orders/C-1001/?t=%00", "/category/kitchen-1/?page=%00", "/search/?%00=1",
    "/orders/%0A/", "/orders/C-1001%0D%0ASet-Cookie:x=1/", "/products/%7F/", "/news/%1B/",
])
def test_junk_in_the_url_answers_the_shops_404_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode() or "Page introuvable" in response.content.decode()


def test_a_french_url_with_a_nul_byte_answers_the_french_404_page(client):
    response = client.get("/fr/orders/%00/")

    assert response.status_code == 404
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("path", ["/orders/%00/cancel/", "/orders/%00/pay/", "/orders/%00/return/",
                                  "/api/v1/stock/movements/?x=%00", "/payments/stripe/webhook/?x=%00"])
def test_a_post_to_a_url_with_a_nul_byte_is_a_404_before_any_check(client, path):
    assert client.post(path, {"t": "x"}).status_code == 404


@pytest.mark.parametrize("query", ["tea\tpot", "%E2%80%AEtea", "caf%C3%A9", "%FF%FE"])
def test_a_search_with_a_tab_or_odd_unicode_still_answers_200(client, query):
    assert client.get(f"/search/?q={query}").status_code == 200
