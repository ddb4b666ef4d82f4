"""CSRF tokens in cached page fragments.

Catalogue fragments are cached and shared by every visitor, so their forms (add to cart) carry a placeholder
instead of a token; this middleware puts the visitor's own token in its place on the way out. It sits after
CsrfViewMiddleware in MIDDLEWARE, so CSRF's response step then sets the cookie that goes with the token.
"""

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
