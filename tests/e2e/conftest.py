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


@pytest.fixture
def mug(canada, warehouse):
    """A Stoneware Mug at $18.00, 5 at the warehouse, in a Kitchen category."""
    from decimal import Decimal

    from catalog.tests.factories import CategoryFactory, VariantFactory
    from inventory import services

    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    variant = VariantFactory(sku="MUG-1", price=Decimal("18.00"), product__name="Stoneware Mug",
                             product__category=kitchen)
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    return variant


@pytest.fixture
def staff(db):
    """A superuser who logs in at /admin/ with helpers.STAFF_PASSWORD."""
    from django.contrib.auth import get_user_model

    from tests.e2e.helpers import STAFF_PASSWORD

    return get_user_model().objects.create_superuser("manon", "manon@example.com", STAFF_PASSWORD)


@pytest.fixture
def customer(db):
    """Ana Tremblay, a customer with an account (helpers.CUSTOMER_PASSWORD)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from tests.e2e.helpers import CUSTOMER_PASSWORD

    user = get_user_model().objects.create_user("ana", "ana@example.com", CUSTOMER_PASSWORD,
                                                first_name="Ana", last_name="Tremblay")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)  # she can sign in
    return user
