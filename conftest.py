"""Shared fixtures: a clean page cache per test, media in a throwaway folder, Chromium for Playwright."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request in French leaves French active in the test's thread; start every test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def warehouse(db):
    """The location that ships online orders."""
    from inventory.tests.factories import WarehouseFactory

    return WarehouseFactory(name="Calgary Warehouse", code="wh", priority=0)


@pytest.fixture
def store(db):
    """A store that sells at its counter and does not ship online orders."""
    from inventory.tests.factories import LocationFactory

    return LocationFactory(name="Calgary store", code="yyc", city="Calgary", priority=10)


@pytest.fixture(scope="session")
def _fake_stripe_server():
    """One local fake of the Stripe API for the whole test session."""
    from payments.fake_stripe import FakeStripe

    server = FakeStripe(webhook_secret="whsec_test_comptoir").start()
    yield server
    server.stop()


@pytest.fixture
def staff_in(django_user_model):
    """staff_in("Warehouse"): a new staff member (is_staff) in that ready-made group (staff.roles), whose password is
    STAFF_PASSWORD; its username is the group's name in lower case with dashes."""
    from django.contrib.auth.models import Group
    from django.utils.text import slugify

    def make(group_name, *, username=None):
        user = django_user_model.objects.create_user(username or slugify(group_name), password=STAFF_PASSWORD,
                                                     is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


STAFF_PASSWORD = "staff-pw-123"


@pytest.fixture
def stripe_fake(settings, _fake_stripe_server):
    """Card payment on, pointed at the fake Stripe (emptied); events are recorded, not posted."""
    _fake_stripe_server.reset()
    _fake_stripe_server.webhook_url = None
    settings.STRIPE_SECRET_KEY = "sk_test_comptoir"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_comptoir"
    settings.STRIPE_API_BASE = _fake_stripe_server.api_base
    # As shop/settings.py does for STRIPE_API_BASE: forms may lead to the fake's payment page (CSP form-action).
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", _fake_stripe_server.api_base]}
    yield _fake_stripe_server
    _fake_stripe_server.webhook_url = None


@pytest.fixture
def stripe_fake_live(stripe_fake, live_server):
    """The fake Stripe posting its webhooks to the live server, for browser tests."""
    stripe_fake.webhook_url = live_server.url + "/payments/stripe/webhook/"
    yield stripe_fake
    stripe_fake.webhook_url = None


POSTGRES_ONLY = "needs PostgreSQL: row locks, full-text search or trigram similarity"


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    """On SQLite, tests marked `postgres` or `concurrency` are skipped with one reason, counted at the end."""
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason=POSTGRES_ONLY)
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("concurrency"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    from django.conf import settings

    skipped = terminalreporter.stats.get("skipped", [])
    postgres_only = sum(1 for report in skipped if POSTGRES_ONLY in str(report.longrepr))
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    terminalreporter.write_line(
        f"Database: {engine}. Skipped: {len(skipped)}, of which {postgres_only} because each {POSTGRES_ONLY}.")
