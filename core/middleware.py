"""The project's own middleware.

CsrfPlaceholderMiddleware — CSRF tokens in cached page fragments. Catalogue fragments are cached and shared by
every visitor, so their forms (add to cart) carry a placeholder instead of a token; this middleware puts the
visitor's own token in its place on the way out. It sits after CsrfViewMiddleware in MIDDLEWARE, so CSRF's
response step then sets the cookie that goes with the token.

TextGZipMiddleware — Django's GZipMiddleware (BREACH-safe: since Django 4.2 it pads the gzip header with a random
number of bytes) for text only: pages, JSON, XML. Pictures and PDFs are compressed already; gzipping them again
costs CPU for nothing. It sits right after WhiteNoiseMiddleware (which serves its own precompressed static files)
and before every middleware that writes the body, so it compresses the page last, after CsrfPlaceholderMiddleware
has put the visitor's CSRF token into it. A page cached whole (catalog.page_cache.whole_page) comes with its pieces
between CSRF placeholders deflated once, when it was cached (gzip_parts): each visitor's copy is then gzipped by
joining those bytes around their token, stored as it is, instead of compressing the whole page again (gzip_join).

JunkUrlNotFoundMiddleware — a URL whose path holds a NUL byte or another control character, or whose query string
holds a NUL byte, is answered 404 before any view sees it (PostgreSQL refuses NUL in a string: a view passing it
to a query would answer 500).
"""

import gzip
import re
import secrets
import struct
import zlib
from dataclasses import dataclass

from django.http import Http404
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, get_token
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
            token = csrf_token_for(request).encode()
            response.content = response.content.replace(_PLACEHOLDER_BYTES, token)
            response.csrf_token_filled = token  # for TextGZipMiddleware, when the page comes with its gzip_parts
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
        parts = getattr(response, "gzip_parts", None)
        token = getattr(response, "csrf_token_filled", b"")
        if parts is not None and parts.fits(token, response.content):
            compressed = gzip_join(parts, token, response.content, max_random_bytes=self.max_random_bytes)
        else:
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
    return _padded_header(max_random_bytes) + compressed[10:]


def _padded_header(max_random_bytes: int) -> bytes:
    """A gzip member's header (RFC 1952: deflate, no time, unknown OS) with a file name of random length."""
    return b"\x1f\x8b\x08" + bytes([gzip.FNAME]) + b"\x00\x00\x00\x00\x00\xff" + (
        b"a" * secrets.randbelow(max_random_bytes) + b"\x00")


@dataclass(frozen=True)
class GzipParts:
    """A cached page deflated once, around the first of its CSRF placeholders (raw deflate, RFC 1951): `head`, the
    page up to it, ends with a sync flush (byte-aligned, not the last block), so the visitor's token can follow as a
    stored block and `tail`, the rest of the page, after it. Every later placeholder in `tail` was compressed as a
    copy of the first token's bytes (a back-reference), so the same token fills it (gzip_parts checks that it does).
    """

    head: bytes
    tail: bytes  # b"" for a page without a placeholder: `head` is all of it
    length: int  # of the page with its placeholders filled by a CSRF token

    def fits(self, token: bytes, page: bytes) -> bool:
        """Whether page is the one these parts were made from, with token in its placeholders."""
        return len(page) == self.length and (len(token) == CSRF_TOKEN_LENGTH or not self.tail)


def _deflate(data: bytes, *, before: bytes = b"") -> bytes:
    """Raw deflate at level 6 (Django's own: this runs once per page version, not once per visitor), ended with a
    sync flush; `before` is what the stream already holds, which back-references may reach."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS, **({"zdict": before[-32768:]} if before else {}))
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """A stored deflate block, not the last one (BFINAL=0, BTYPE=00), at most 65,535 bytes."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


_LAST_EMPTY_BLOCK = b"\x03\x00"  # BFINAL=1, fixed Huffman codes, straight to end-of-block: how zlib ends a stream


def gzip_parts(page: bytes) -> GzipParts | None:
    """Made once, when a page is cached; None when this page cannot be made so (it is then compressed per visitor).

    The first placeholder is compressed as 64 bytes the page never holds, each different, and the page's later
    placeholders as the same 64 bytes, so the compressor copies them from the first. Decompressing the result with
    those bytes as the token must give the page back exactly: each byte of the result is then the same page byte, or
    the same byte of the token, whatever the token is (no byte of this test token can pass for a byte of the page)."""
    head, found, rest = page.partition(_PLACEHOLDER_BYTES)
    if not found:
        return GzipParts(_deflate(page), b"", len(page))
    unused = sorted(set(range(256)) - set(page))
    if len(unused) < CSRF_TOKEN_LENGTH:
        return None
    holder = bytes(unused[:CSRF_TOKEN_LENGTH])
    parts = GzipParts(_deflate(head), _deflate(rest.replace(_PLACEHOLDER_BYTES, holder), before=head + holder),
                      len(page) + (CSRF_TOKEN_LENGTH - len(_PLACEHOLDER_BYTES)) * (1 + rest.count(_PLACEHOLDER_BYTES)))
    inflated = zlib.decompressobj(-zlib.MAX_WBITS)
    if inflated.decompress(parts.head + _stored(holder) + parts.tail + _LAST_EMPTY_BLOCK) != page.replace(
            _PLACEHOLDER_BYTES, holder) or not inflated.eof:
        return None
    return parts


def gzip_join(parts: GzipParts, token: bytes, page: bytes, *, max_random_bytes: int) -> bytes:
    """The gzip file (RFC 1952) of page, the parts' page with token in its placeholders, without compressing it
    again: the token goes in as a stored block (never compressed with the page, so it cannot shape the page's
    compressed length), then the CRC-32 and length of the page. Padded against BREACH as _compress is."""
    middle = _stored(token) + parts.tail if parts.tail else b""
    return b"".join((_padded_header(max_random_bytes), parts.head, middle, _LAST_EMPTY_BLOCK,
                     struct.pack("<II", zlib.crc32(page), len(page) & 0xFFFFFFFF)))


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
