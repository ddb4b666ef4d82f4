"""The project's own middleware.

CsrfPlaceholderMiddleware — CSRF tokens in cached page fragments. Catalogue fragments are cached and shared by
every visitor, so their forms (add to cart) carry a placeholder instead of a token; this middleware puts the
visitor's own token in its place on the way out. It sits after CsrfViewMiddleware in MIDDLEWARE, so CSRF's
response step then sets the cookie that goes with the token.

JunkUrlNotFoundMiddleware — a URL whose path holds a NUL byte or another control character, or whose query string
holds a NUL byte, is answered 404 before any view sees it (PostgreSQL refuses NUL in a string: a view passing it
to a query would answer 500).
"""

import re

from django.http import Http404
from django.middleware.csrf import get_token

CSRF_PLACEHOLDER = "__comptoir_csrf_token__"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


class CsrfPlaceholderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and _PLACEHOLDER_BYTES in response.content
        ):
            response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
        return response


# C0 control characters and DEL: never part of a path of this shop, once percent-decoded. In the query string only
# NUL is refused: a search pasted from a spreadsheet may carry a tab, which PostgreSQL stores and matches fine.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class JunkUrlNotFoundMiddleware:
    """404 (the shop's own page) for junk in the decoded URL. It sits after AuthenticationMiddleware, so the 404
    page renders with the visitor's header (cart, sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _CONTROL.search(request.path) or any(
            "\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()
        ):
            raise Http404("A control character in the URL.")
        return self.get_response(request)
