"""Checkout rules that only mutation testing (make mutation) showed untested."""

import pytest

from orders.services.checkout import CheckoutDetails, delivery_province

pytestmark = pytest.mark.django_db

BC_ADDRESS = CheckoutDetails(email="li@example.com", phone="604-555-0101", ship_name="Li Wong",
                             ship_address="1 Main St", ship_city="Vancouver", ship_province="BC",
                             ship_postal_code="V6B 1A1", delivery_method_id=0, payment_method="cheque")


def test_a_delivered_order_is_taxed_where_it_goes_even_if_its_method_names_a_store(canada, store):
    store.province = "AB"
    store.save()
    canada.pickup_location = store  # a store chosen on a delivery method by mistake: it does not make it a pickup
    canada.save()

    assert delivery_province(BC_ADDRESS, canada) == "BC"


def test_a_pickup_is_taxed_in_its_stores_province_and_at_a_store_with_no_province_where_the_customer_lives(
        canada, store):
    canada.kind, canada.pickup_location = canada.Kind.PICKUP, store
    canada.save()

    store.province = "AB"
    store.save()
    assert delivery_province(BC_ADDRESS, canada) == "AB"
    store.province = ""
    store.save()
    assert delivery_province(BC_ADDRESS, canada) == "BC"
