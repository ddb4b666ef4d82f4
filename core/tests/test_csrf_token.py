"""The CSRF token put into cached pages and the compression of pages: made cheaper than Django's own, they must stay
check accepts, and as random."""

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.test import RequestFactory

from core.middleware import csrf_token_for


def test_a_first_visitor_gets_a_new_secret_for_the_cookie_and_a_token_that_unmasks_to_it():
    request = RequestFactory().get("/")

    token = csrf_token_for(request)

    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret


def test_a_returning_visitor_keeps_their_secret_and_each_token_is_masked_anew():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret = "a" * CSRF_SECRET_LENGTH

    tokens = {csrf_token_for(request) for _ in range(50)}

    assert request.META["CSRF_COOKIE"] == secret
    assert len(tokens) == 50 and all(_unmask_cipher_token(token) == secret for token in tokens)


def test_the_random_characters_cover_the_whole_alphabet_evenly():
    request = RequestFactory().get("/")
    drawn = "".join(csrf_token_for(request)[:CSRF_SECRET_LENGTH] for _ in range(10_000))  # the masks: 320,000

    counts = [drawn.count(char) for char in CSRF_ALLOWED_CHARS]
    expected = len(drawn) / len(CSRF_ALLOWED_CHARS)  # about 5,161 each, give or take 72
    # A byte taken modulo 62 without dropping 248-255 would give the first 8 characters 25% more.
    assert min(counts) > 0.9 * expected and max(counts) < 1.1 * expected


def test_pages_are_compressed_with_a_random_length_padding_against_breach():
    import gzip

    from core.middleware import _compress

    body = b"<p>The same page, again and again.</p>" * 100
    compressed = [_compress(body, max_random_bytes=100) for _ in range(40)]

    assert all(gzip.decompress(blob) == body for blob in compressed)
    assert len({len(blob) for blob in compressed}) > 10  # the length says nothing of the page
    assert max(len(blob) for blob in compressed) < len(body) / 10


def _page(placeholders: int) -> bytes:
    from core.middleware import CSRF_PLACEHOLDER

    form = f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">'
    card = '<article class="card"><h2>Chinook raincoat, size {}</h2><p>$129.00 · In stock</p>{}</form></article>'
    return ("<!doctype html><main>" + "".join(card.format(n, form) for n in range(placeholders))
            + "<footer>Édition française · ½ price</footer></main>" * 40).encode()


def test_a_page_gzipped_once_takes_any_visitors_token_in_each_of_its_placeholders():
    import gzip
    import secrets

    from core.middleware import _PLACEHOLDER_BYTES, gzip_join, gzip_parts

    for placeholders in (0, 1, 2, 24):
        page = _page(placeholders)
        parts = gzip_parts(page)
        for _ in range(20):
            token = csrf_token_for(RequestFactory().get("/")).encode()
            filled = page.replace(_PLACEHOLDER_BYTES, token)
            assert parts.fits(token, filled)
            assert gzip.decompress(gzip_join(parts, token, filled, max_random_bytes=100)) == filled
        assert not parts.fits(token, filled + b" ")
    blobs = {len(gzip_join(parts, token, filled, max_random_bytes=100)) for _ in range(40)}
    assert len(blobs) > 10  # the BREACH padding, as for pages compressed per visitor
    assert not parts.fits(secrets.token_hex(16).encode(), filled)  # the back-references count on 64 bytes


def test_a_page_holding_nearly_every_byte_value_is_compressed_for_each_visitor_instead():
    """The first token's stand-in must be 64 byte values the page never holds; without them, no gzip is made once
    and the middleware compresses the page per visitor, as for any other page."""
    import gzip

    from django.http import HttpResponse

    from core.middleware import _PLACEHOLDER_BYTES, CsrfPlaceholderMiddleware, TextGZipMiddleware, gzip_parts

    page = bytes(range(1, 256)) + _page(2)
    assert gzip_parts(page) is None

    def view(request):
        response = HttpResponse(page, content_type="text/html; charset=utf-8")
        response.gzip_parts = gzip_parts(_page(2))  # another page's parts: they do not fit this one
        return response

    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = TextGZipMiddleware(CsrfPlaceholderMiddleware(view))(request)

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == page.replace(_PLACEHOLDER_BYTES, response.csrf_token_filled)
