"""Versioned page cache for the catalogue.

A cached page is stored with the value of every version it depends on when it was built, and is served only while
those are still the current values (page and versions come back in one round trip):
- ``catalog`` — bumped by any catalogue edit (product, variant, category, image, location);
- ``stock:product:<id>`` and ``stock:category:<id>`` — bumped after every stock movement of that product;
- ``stock:all`` — bumped after every stock movement (home page).
A bump changes the current value, so a page rendered before a movement is never served after it. Versions start
from the clock, never from 1, so a version key that the cache evicted cannot come back with an old value.

Within one catalogue request (whole_page) the versions read are remembered (versions_scope): the page's own read
brings them with the page, and the data the page is built from (process_memo: category tree, shipping set-up) is
checked against those values instead of asking the cache again, one round trip per version each time.

The cache is best effort: if it is unreachable, pages are rendered from the database.
"""

import hashlib
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse
from django.utils.translation import get_language

from core.middleware import gzip_parts

logger = logging.getLogger(__name__)

CATALOG = "catalog"
STOCK_ALL = "stock:all"


def product_key(product_id: int) -> str:
    return f"stock:product:{product_id}"


def category_key(category_id: int) -> str:
    return f"stock:category:{category_id}"


def _vkey(name: str) -> str:
    return f"v:{name}"


def _fresh_version() -> int:
    return time.time_ns()


# The versions this request has read, by key (None outside a versions_scope): a page is built from data of the
# versions it is stored under, and reading each version once per request is enough for that.
_seen: ContextVar[dict[str, int] | None] = ContextVar("page_cache_versions_seen", default=None)


@contextmanager
def versions_scope():
    """Remember the versions read until the block ends (one request): later reads of the same names are free."""
    token = _seen.set({})
    try:
        yield
    finally:
        _seen.reset(token)


def _remember(found: dict) -> None:
    seen = _seen.get()
    if seen is not None:
        seen.update((key, value) for key, value in found.items() if key.startswith("v:") and value is not None)


def versions_get(names: list[str]) -> list[int]:
    seen = _seen.get() or {}
    keys = [_vkey(n) for n in names]
    missing = [key for key in keys if key not in seen]
    found = cache.get_many(missing) if missing else {}
    _remember(found)
    values = []
    for key in keys:
        value = seen.get(key, found.get(key))
        if value is None:
            value = _fresh_version()
            if not cache.add(key, value, timeout=None):
                value = cache.get(key, value)
            _remember({key: value})
        values.append(value)
    return values


def versions_bump(names) -> None:
    for name in set(names):
        key = _vkey(name)
        try:
            cache.incr(key)
        except ValueError:  # never read yet, or evicted: start again from the clock
            cache.set(key, _fresh_version(), timeout=None)


_memos: dict[object, tuple[int, object]] = {}


def process_memo(name: str, load, *, key=None):
    """This process's copy of load(), valid while the shared version `name` is unchanged: for small tables read on
    every request and edited a few times a year (shipping set-up, tax rates). An edit bumps the version after its
    commit (versions_bump), and every worker of every instance loads the table again on its next read. Without
    a cache (a dummy cache: the version would be new at every read), each copy serves for the second it was read in;
    when the cache is down, load() every time.
    Callers share the object: they read it, never change it. `key` tells apart several values under one version
    (one per language)."""
    if isinstance(caches["default"], DummyCache):
        # No cache at all: every version read is new. Keep the copy for the second it was read in, so one page
        # does not read the same table several times (other instances' edits show a second later at most).
        version = int(time.monotonic())
    else:
        try:
            version = versions_get([name])[0]
        except Exception:  # the cache is best effort
            logger.exception("Cache unavailable; reading %s from the database", name)
            return load()
    memo = _memos.get((name, key))
    if memo is not None and memo[0] == version:
        return memo[1]
    value = load()
    _memos[(name, key)] = (version, value)
    return value


def stock_changed(*, product_ids, category_ids) -> None:
    """Called after the commit of every stock movement."""
    try:
        versions_bump(
            [STOCK_ALL]
            + [product_key(pk) for pk in product_ids]
            + [category_key(pk) for pk in category_ids]
        )
    except Exception:  # a cache outage must not fail a sale that is already committed
        logger.exception("Could not bump page cache versions after a stock movement")


def version_changed(name: str) -> None:
    """Bump one version after the commit of what it stands for; a cache outage is logged, never raised (the edit
    is committed already)."""
    try:
        versions_bump([name])
    except Exception:
        logger.exception("Could not bump the %s version", name)


def catalog_changed() -> None:
    version_changed(CATALOG)


def value_get_or_build(parts, version_names, build):
    """page_get_or_build for data, not pages (a customer's cart summary): cached whatever SHOP_PAGE_CACHE says."""
    return page_get_or_build(parts, version_names, build, page=False)


def page_get_or_build(parts, version_names, build, *, store=lambda value: True, page=True):
    """Return the cached value for parts if it was built under the current versions; else build() it and cache it
    (with those versions) if store(value) allows. With SHOP_PAGE_CACHE off, pages are always built (the data they
    are built from, see process_memo, stays cached): every visit costs what a cache miss costs."""
    if page and not settings.SHOP_PAGE_CACHE:
        if _seen.get() is not None:
            try:  # in one round trip, the versions the data the page is built from is checked against
                versions_get(version_names)
            except Exception:
                logger.exception("Cache unavailable; reading versions one by one")
        return build()
    key = "page:" + hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=16).hexdigest()
    version_keys = [_vkey(name) for name in version_names]
    try:
        seen = _seen.get() or {}
        found = cache.get_many([key, *(k for k in version_keys if k not in seen)])
        _remember(found)
        current = [seen.get(k, found.get(k)) for k in version_keys]
        hit = found.get(key)
        if hit is not None and None not in current and hit[0] == current:
            return hit[1]
        if None in current:
            current = versions_get(version_names)
    except Exception:
        logger.exception("Page cache unavailable; rendering from the database")
        return build()
    value = build()
    if store(value):
        try:
            cache.set(key, (current, value), timeout=settings.SHOP_PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Could not store a page in the cache")
    return value


def whole_page(version_names, *, query_ok=lambda query: not query, period=lambda: ""):
    """Serve anonymous visitors (a GET with no session or other personal cookie) a cached copy of the whole page.

    Such a visitor has no cart, messages or account, so the page shell is the same for all of them (forms carry a
    CSRF placeholder that core.middleware fills in per visitor); the page
    is keyed by its full address and the same versions as its fragment, so a stock movement refreshes it too.
    Anything else (cookies, other methods, unexpected query strings) goes through the view as usual, as does any
    response that is not a plain 200, sets a cookie, holds a CSRF token or changed the session. `period` names
    the stretch of time the page is valid for, when it shows time-dependent text (a delivery promise).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            with versions_scope():
                return serve(request, *args, **kwargs)

        def serve(request, *args, **kwargs):
            personal_cookies = set(request.COOKIES) - {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
            if request.method != "GET" or personal_cookies or not query_ok(request.GET):
                return view(request, *args, **kwargs)
            fresh = []

            def build():
                response = view(request, *args, **kwargs)
                fresh.append(response)
                session = getattr(request, "session", None)
                if (
                    response.status_code != 200
                    or response.streaming
                    or response.cookies
                    or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                    or (session is not None and session.modified)
                ):
                    return None
                return {"content": response.content, "content_type": response["Content-Type"]}

            def keep(value):
                """Cache the page with its gzip, deflated once here (only when it is stored: with the page cache off,
                nothing is), so each visitor's gzipped copy is bytes joined around their CSRF token."""
                if value is None:
                    return False
                if not isinstance(caches["default"], DummyCache):  # a dummy cache keeps nothing
                    value["gzip"] = gzip_parts(value["content"])
                return True

            cached = page_get_or_build(
                ("whole", get_language(), request.get_full_path(), period()),
                version_names(*args, **kwargs),
                build,
                store=keep,
            )
            if fresh:
                return fresh[0]
            response = HttpResponse(cached["content"], content_type=cached["content_type"])
            response.gzip_parts = cached.get("gzip")
            return response

        return wrapper

    return decorator
