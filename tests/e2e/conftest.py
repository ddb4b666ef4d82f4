"""Browser tests run against pytest-django's live server; Playwright's pages open its address by default."""

import pytest


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/") opens the live server; every test using a page therefore gets a transactional database."""
    return live_server.url


@pytest.fixture
def canada(db):
    """The tax rates and the standard delivery, as the migration seeds them."""
    from orders.models import DeliveryMethod, TaxRate
    from orders.rates import rates_and_delivery_seed

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")
