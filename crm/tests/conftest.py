"""CRM fixtures: customers with accounts, and real orders placed through orders.services (Alberta, GST 5 %)."""

import pytest

from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures
from payments.tests.conftest import order_for  # noqa: F401 — shared fixture


@pytest.fixture
def ana(django_user_model):
    """A signed-up customer; the orders of order_for(..., user=ana) use her email."""
    return django_user_model.objects.create_user(username="ana", email="ana@example.com", password="pw",
                                                 first_name="Ana", last_name="Tremblay")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user(username="bob", email="bob@example.com", password="pw",
                                                 first_name="Bob", last_name="Martin")


@pytest.fixture
def ana_client(client, ana):
    client.force_login(ana)
    return client


@pytest.fixture
def contact(db):
    """A customer contact without an account."""
    from crm.models import Contact

    return Contact.objects.create(kind=Contact.Kind.CUSTOMER, name="Chloé Roy", email="chloe@example.com")
