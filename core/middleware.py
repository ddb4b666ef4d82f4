"""The project's own middleware.

CsrfPlaceholderMiddleware — CSRF tokens in cached page fragments. Catalogue fragments are cached and shared by
every visitor, so their forms (add to cart) carry a placeholder instead of a token; this middleware puts the
visitor's own token in its place on the way out. It sits after CsrfViewMiddleware in MIDDLEWARE, so CSRF's
response step then sets the cookie that goes with the token.

TextGZipMiddleware — Django's GZipMiddleware (BREACH-safe: since Django 4.2 it pads the gzip header with a random
number of bytes) for text only: pages, JSON, XML. Pictures and PDFs are compressed already; gzipping them again
costs CPU for nothing. It sits right after WhiteNoiseMiddleware (which serves its own precompressed static files)
and before every middleware that writes the body, so it compresses the page last, after CsrfPlaceholderMiddleware
has put the visitor's CSRF token into it.

JunkUrlNotFoundMiddleware — a URL whose path holds a NUL byte or another control character, or whose query string
holds a NUL byte, is answered 404 before any view sees it (PostgreSQL refuses NUL in a string: a view passing it
to a query would answer 500).
"""

import gzip
import re
import secrets

from django.http import Http404
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

CSRF_PLACEHOLDER = "__comptoir_csrf_token__"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: i for i, char in enumerate(_CHARS)}
_UNBIASED = 256 - 256 % len(_CHARS)  # a random byte at or above this would favour the first characters


# Random bytes to characters in one C call: byte b becomes _CHARS[b % 62]; bytes from _UNBIASED up are dropped.
_TO_CHARS = bytes(ord(_CHARS[b % len(_CHARS)]) for b in range(256))
_DROPPED = bytes(range(_UNBIASED, 256))


def _csrf_string() -> str:
    """What Django's get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS) returns, uniform and from the OS's
    random source as it is, but from one read of it instead of one per character: on a cached page, that read was
    a quarter of the whole request's time."""
    drawn = b""
    while len(drawn) < CSRF_SECRET_LENGTH:
        drawn += secrets.token_bytes(CSRF_SECRET_LENGTH + 8).translate(_TO_CHARS, _DROPPED)
    return drawn[:CSRF_SECRET_LENGTH].decode()


def csrf_token_for(request) -> str:
    """django.middleware.csrf.get_token, with _csrf_string for its random strings: the visitor's secret (a new one,
    sent as the CSRF cookie, for a first visit) masked with a new random mask, as Django's CSRF check unmasks it."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _csrf_string()
    elif len(secret) != CSRF_SECRET_LENGTH or not set(secret) <= _INDEX.keys():  # never seen: CSRF checks it
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _csrf_string()
    cipher = "".join(_CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in zip(secret, mask, strict=True))
    return mask + cipher


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
            response.content = response.content.replace(_PLACEHOLDER_BYTES, csrf_token_for(request).encode())
        return response


_COMPRESSIBLE = re.compile(r"text/|application/(json|xml|javascript|[\w.-]+\+(json|xml))|image/svg\+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text only, at compression level 1 for pages: a page is compressed anew for every
    visitor (it carries their CSRF token), and level 1 takes half the CPU of Django's 6 for about a tenth more
    bytes (a category page: 3.8 KB instead of 3.5 KB, from 33 KB). Streaming responses go through Django's own."""

    def process_response(self, request, response):
        if not _COMPRESSIBLE.match(response.get("Content-Type", "")):
            return response
        if response.streaming:
            return super().process_response(request, response)
        # Django's steps for a whole body (django.middleware.gzip), with _compress for compress_string.
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = _compress(response.content, max_random_bytes=self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


def _compress(body: bytes, *, max_random_bytes: int) -> bytes:
    """django.utils.text.compress_string at level 1, with the same BREACH padding: a gzip file name of 0 to
    max_random_bytes - 1 bytes, so the length of a page tells nothing of what it holds."""
    compressed = gzip.compress(body, compresslevel=1, mtime=0)
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    return bytes(header) + b"a" * secrets.randbelow(max_random_bytes) + b"\x00" + compressed[10:]


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
