"""The shipping set-up and the tax rates are read once per worker, not once per page, and an edit in the admin
reaches every price and promised date as soon as it is committed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import TaxRate
from orders.services.pricing import quote_build
from shipping.models import Zone
from shipping.services.rates import unserved_text
from shipping.services.table import shipping_table
from shipping.tests.helpers import carriers_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def carriers_only(canada):
    carriers_seed()


def test_the_set_up_is_read_once_then_served_from_memory(django_assert_num_queries):
    first = shipping_table()
    assert len(first.rates) > 1 and first.methods

    with django_assert_num_queries(0):
        again = shipping_table()
        unserved_text()

    assert again is first


def test_a_zone_edited_in_the_admin_changes_the_regions_served_at_once(admin_client,
                                                                       django_capture_on_commit_callbacks):
    before = unserved_text()
    assert "Nunavut" in before
    zone = Zone.objects.filter(rates__method__is_active=True).distinct().first()
    data = {"name": zone.name, "provinces": f"{zone.provinces}, NU", "postal_prefixes": zone.postal_prefixes}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:shipping_zone_change", args=[zone.pk]), data)

    assert response.status_code == 302
    assert "Nunavut" not in unserved_text()


def test_a_tax_rate_edited_in_the_admin_is_charged_at_once(admin_client, django_capture_on_commit_callbacks):
    def gst_in_alberta() -> Decimal:
        quote = quote_build(subtotal=Decimal("100.00"), province="AB", delivery=None)
        return sum((tax.amount for tax in quote.taxes), Decimal("0"))

    assert gst_in_alberta() == Decimal("5.00")
    rate = TaxRate.objects.get(province="AB")
    data = {"province": "AB", "name": rate.name, "rate": "6.000", "on_shipping": "on", "position": rate.position}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:orders_taxrate_change", args=[rate.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert gst_in_alberta() == Decimal("6.00")
