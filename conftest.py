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
def stripe_fake(settings, _fake_stripe_server):
    """Card payment on, pointed at the fake Stripe (emptied); events are recorded, not posted."""
    _fake_stripe_server.reset()
    _fake_stripe_server.webhook_url = None
    settings.STRIPE_SECRET_KEY = "sk_test_comptoir"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_comptoir"
    settings.STRIPE_API_BASE = _fake_stripe_server.api_base
    yield _fake_stripe_server
    _fake_stripe_server.webhook_url = None


@pytest.fixture
def stripe_fake_live(stripe_fake, live_server):
    """The fake Stripe posting its webhooks to the live server, for browser tests."""
    stripe_fake.webhook_url = live_server.url + "/payments/stripe/webhook/"
    yield stripe_fake
    stripe_fake.webhook_url = None
