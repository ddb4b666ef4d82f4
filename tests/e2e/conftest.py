"""Browser tests run against pytest-django's live server; Playwright's pages open its address by default."""

import pytest


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/") opens the live server; every test using a page therefore gets a transactional database."""
    return live_server.url
