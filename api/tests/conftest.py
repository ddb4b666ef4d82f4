"""API fixtures: a key per user (inventory's hashed API tokens), requests through the test client, an order placed
through the real checkout and paid, the mug in stock."""

import json
import uuid

import pytest

from inventory import services as stock_services
from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures
from payments.tests.conftest import order_for  # noqa: F401 — shared fixture
from shipping.tests.conftest import canada_post, paid_order  # noqa: F401 — shared fixtures

NEW_KEY = object()  # call() sends a fresh Idempotency-Key on writes unless told which (None: no header)
GROUPS = ["Store staff", "Warehouse", "Catalogue managers", "Accounts", "Marketing", "Managers"]


def key_for(user) -> str:
    _token, key = stock_services.api_token_create(user=user, name=f"{user.username}'s system")
    return key


@pytest.fixture
def api(client):
    """api(method, path, key=..., body=..., idempotency_key=...) -> the test client's response."""

    def call(method, path, *, key=None, body=None, idempotency_key=NEW_KEY, **headers):
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if method.lower() in ("post", "put", "patch", "delete"):
            if idempotency_key is NEW_KEY:
                idempotency_key = f"test-{uuid.uuid4().hex}"
            if idempotency_key is not None:
                headers["Idempotency-Key"] = idempotency_key
        data = None if body is None else json.dumps(body)
        return getattr(client, method.lower())(path, data, content_type="application/json", headers=headers)

    return call


@pytest.fixture
def key_in(staff_in):
    """key_in("Warehouse"): the API key of a new member of that group."""

    def make(group):
        return key_for(staff_in(group))

    return make


@pytest.fixture
def superuser_key(django_user_model):
    return key_for(django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123"))


@pytest.fixture
def customer_key(django_user_model):
    """A customer's account with a key: it holds no permission."""
    return key_for(django_user_model.objects.create_user("ana", "ana@example.com", "pw-ana-123"))


@pytest.fixture
def shelf(store, mug):  # noqa: F811
    """Five mugs on the Calgary store's shelf too."""
    stock_services.stock_receive(variant=mug, location=store, quantity=5)
    return store
