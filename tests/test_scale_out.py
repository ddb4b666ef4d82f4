"""Scale-out: two gunicorn instances share one Postgres and one Redis. A stock movement made through one of them
removes the stale page from the other at once (catalog.page_cache: the movement bumps the page versions in the
shared cache after its commit).

Real processes, real HTTP: the shop is served twice from .venv/bin/gunicorn on the test database (committed data:
`transaction=True`) and on a Redis database reserved for this test. Runs on Postgres (make test starts it and
Redis); skipped, and counted, on SQLite like the other Postgres-only tests.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services
from inventory.models import Stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A Redis database of its own (make test's REDIS_URL names the server), flushed before and after.
REDIS_BASE = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
CACHE_URL = f"{REDIS_BASE}/10"
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_of_the_tests() -> str:
    """The test database, which the gunicorn instances must serve (test_... on Postgres)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}")


def get(url: str, opener=None) -> tuple[int, str]:
    """GET and follow redirects; an anonymous visitor (no cookies at all) unless an opener with a jar is given."""
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post(url: str, data: dict, opener) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with opener.open(urllib.request.Request(url, data=body, method="POST"), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_in_browser(user, base_url: str):
    """A browser (cookie jar) with user's session: signed in as the test client does it, without the password
    form (the instances check passwords with the production hasher, the tests store them with a fast one)."""
    client = Client()
    client.force_login(user)
    jar = http.cookiejar.CookieJar()
    host = urllib.parse.urlsplit(base_url).hostname
    jar.set_cookie(http.cookiejar.Cookie(
        version=0, name=settings.SESSION_COOKIE_NAME, value=client.cookies[settings.SESSION_COOKIE_NAME].value,
        port=None, port_specified=False, domain=host, domain_specified=False, domain_initial_dot=False, path="/",
        path_specified=True, secure=False, expires=None, discard=True, comment=None, comment_url=None, rest={},
    ))
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class Instance:
    """One `gunicorn shop.wsgi` with one worker on a free port, as in production (DEBUG off, Redis cache)."""

    def __init__(self, name: str, log_dir: Path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "shop.settings",
            "DATABASE_URL": database_url_of_the_tests(),
            "CACHE_URL": CACHE_URL,
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "CELERY_BROKER_URL": "",
            "EMAIL_URL": "dummymail://",
            # Product pages are cached per hour of their delivery promise: one fixed hour, whenever the test runs.
            "SHOP_PROMISE_NOW": "2030-03-12T10:00",
        }
        command = [str(GUNICORN), "shop.wsgi", "-w", "1", "-b", f"127.0.0.1:{self.port}"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out,
                                            stderr=subprocess.STDOUT)

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _html = get(self.url + "/admin/login/")
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                return
            break
        pytest.fail(f"gunicorn {self.name} did not serve on port {self.port}:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def shared_cache():
    server = redis.Redis.from_url(CACHE_URL)
    server.flushdb()
    yield server
    server.flushdb()
    server.close()


@pytest.fixture
def two_instances(transactional_db, shared_cache, tmp_path):
    """Instances A and B, started together; stopped before the test database is emptied."""
    with ExitStack() as stack:
        instances = []
        for name in ("A", "B"):
            instance = Instance(name, tmp_path)
            stack.callback(instance.stop)
            instances.append(instance)
        for instance in instances:
            instance.wait_until_serving()
        yield instances


def test_a_stock_movement_through_one_instance_removes_the_stale_page_from_the_other_at_once(
    two_instances, shared_cache, staff_in, warehouse
):
    a, b = two_instances
    variant = VariantFactory(sku="MUG-1", product__name="Stoneware Mug", product__slug="stoneware-mug",
                             product__category=CategoryFactory(name="Kitchen", slug="kitchen"))
    services.stock_receive(variant=variant, location=warehouse, quantity=2)
    product_url = variant.product.get_absolute_url()

    # An anonymous shopper opens the product page on B: B renders it and caches it whole in the shared Redis.
    status, html = get(b.url + product_url)
    assert (status, "Only 2 left" in html) == (200, True)
    assert any(b":page:" in key for key in shared_cache.scan_iter()), "B cached no page in the shared Redis"
    # From now on both instances serve that copy: a write behind the shop's back (no ledger line, so no signal to
    # the cache; the database now says 1 left) shows on neither. Without the shared page cache it would.
    Stock.objects.filter(variant=variant, location=warehouse).update(on_hand=1)
    assert "Only 2 left" in get(b.url + product_url)[1]
    assert "Only 2 left" in get(a.url + product_url)[1]

    # A picker, signed in to the admin on A, records a count correction: no mug is left on the shelf.
    picker = signed_in_browser(staff_in("Warehouse"), a.url)
    form_url = a.url + "/admin/inventory/stock/record/correction/"
    _status, form = get(form_url, picker)
    status, done = post(form_url, {"csrfmiddlewaretoken": csrf_token(form), "variant": "MUG-1",
                                   "location": warehouse.pk, "counted": 0, "reason": "broken in the stock room"},
                        picker)
    assert status == 200
    assert "Count correction recorded: MUG-1 at Calgary Warehouse, on hand now 0 (0 available)." in done

    # The very next anonymous view on B shows it sold out.
    status, html = get(b.url + product_url)
    assert status == 200
    assert "Out of stock online" in html
    assert "Only 2 left" not in html
