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
