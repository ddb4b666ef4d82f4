"""Account fixtures: Ana and Bob with verified emails (they can sign in), real orders through orders.services."""

import pytest
from allauth.account.models import EmailAddress

from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures
from outbox.tests.conftest import inbox, smtp_down, smtp_server  # noqa: F401 — a mail server down, a real one
from payments.tests.conftest import order_for  # noqa: F401 — shared fixture


def verified_user(django_user_model, username: str, email: str, **names):
    user = django_user_model.objects.create_user(username, email, "kettle-and-mug-42", **names)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def ana(django_user_model):
    return verified_user(django_user_model, "ana", "ana@example.com", first_name="Ana", last_name="Tremblay")


@pytest.fixture
def bob(django_user_model):
    return verified_user(django_user_model, "bob", "bob@example.com", first_name="Bob", last_name="Martin")
