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
