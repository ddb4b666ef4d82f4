import datetime
from zoneinfo import ZoneInfo

import pytest

from pages import selectors, services
from pages.tests.factories import StoreFactory

EDMONTON = ZoneInfo("America/Edmonton")


@pytest.fixture
def kensington(db):
    """A Calgary store open Monday to Saturday 10:00–18:00, closed on Sunday."""
    store = StoreFactory()
    services.store_hours_default(location=store)
    return store


@pytest.fixture
def clock(monkeypatch):
    """Set the stores page's clock: clock(2026, 11, 24, 11, 30) is Tuesday 11:30 in Edmonton."""

    def set_to(*parts):
        at = datetime.datetime(*parts, tzinfo=EDMONTON)
        monkeypatch.setattr(selectors, "now", lambda: at)
        return at

    return set_to


@pytest.fixture
def starter_pages(db):
    from pages.tests.helpers import starter_pages_seed

    starter_pages_seed()
