"""Schemathesis against the API's own OpenAPI schema, through the Django WSGI app, as a superuser: on every
operation, generated requests (valid and not) never get a server error, and every documented answer conforms to the
schema. Runs in the suite on both databases (`make test`); a few examples per operation keep it under a minute."""

from decimal import Decimal

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from inventory import services as stock_services

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The WSGI app closes the database connection after each request (request_finished); the test's transaction
    lives on it, so keep it open, as Django's test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def catalogue_with_stock(mug, store, paid_order, canada_post, django_user_model):  # noqa: F811
    """Something behind each resource: the mug in stock in the warehouse and the store, a paid order, a customer."""
    from crm.models import Contact

    stock_services.stock_receive(variant=mug, location=store, quantity=3)
    from purchasing.services.orders import purchase_order_create, purchase_order_send
    from purchasing.tests.factories import SupplierTermsFactory

    Contact.objects.create(name="Ana", email="ana@example.com")
    supplier = SupplierTermsFactory(supplier__name="Potier & fils", order_email="commandes@potier.example").supplier
    purchase_order_send(order=purchase_order_create(supplier=supplier, location=store,
                                                    lines=[(mug, 4, Decimal("4.50"))]))
    return paid_order((mug, 1))


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says_and_never_with_a_server_error(
    case, wsgi_keeps_the_test_connection, superuser_key, catalogue_with_stock
):
    # identity: the site gzips JSON for clients that accept it; the WSGI test transport would not decode it
    response = case.call(headers={"Authorization": f"Bearer {superuser_key}", "Accept-Encoding": "identity"})

    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
