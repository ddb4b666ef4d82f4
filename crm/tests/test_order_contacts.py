"""Contacts created from orders carry the order's city, province and postal code (issue 12, item 7), so segments by
province find them. The latest order wins, unless the customer chose their province in their profile."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from crm.models import ConsentEvent, Contact, Segment
from orders.models import DeliveryMethod, Order
from orders.tests.test_checkout import ALBERTA, QUEBEC, checkout, fill_cart, place

pytestmark = pytest.mark.django_db

BRITISH_COLUMBIA = {**ALBERTA, "ship_address": "800 Robson St", "ship_city": "Vancouver", "ship_province": "BC",
                    "ship_postal_code": "V6Z 2E7"}


def buy(client, canada, variant, address, **overrides):
    fill_cart(client, (variant, 1))
    assert checkout(client, canada, address, **overrides).status_code == 302
    assert place(client).status_code == 302


def address_of(email: str) -> tuple[str, str, str]:
    contact = Contact.objects.get(kind="customer", email=email)
    return contact.city, contact.province, contact.postal_code


def test_a_guest_checkout_gives_the_contact_the_order_address_and_a_province_segment_finds_them(
        client, admin_client, canada, mug):
    quebec = Segment.objects.create(name="Québec", provinces="QC", purpose=ConsentEvent.Purpose.PROMOTIONS)
    alberta = Segment.objects.create(name="Alberta", provinces="AB", purpose=ConsentEvent.Purpose.PROMOTIONS)

    buy(client, canada, mug, {**QUEBEC, "email": "Lea@Example.com"})

    assert address_of("lea@example.com") == ("Montréal", "QC", "H2X 1Y4")
    listing = admin_client.get(reverse("admin:crm_segment_changelist")).content.decode()
    rows = {name: listing.split(f">{name}</a>")[1].split('<td class="field-size">')[1].split("</td>")[0]
            for name in ("Québec", "Alberta")}
    assert rows == {"Québec": "1", "Alberta": "0"}
    page = admin_client.get(reverse("admin:crm_segment_change", args=[quebec.pk])).content.decode()
    assert '<strong class="segment-size">1</strong>' in page and "lea@example.com" in page
    page = admin_client.get(reverse("admin:crm_segment_change", args=[alberta.pk])).content.decode()
    assert '<strong class="segment-size">0</strong>' in page


def test_a_later_order_to_another_province_moves_the_contact(client, admin_client, canada, mug):
    segment = Segment.objects.create(name="Alberta", provinces="AB", purpose=ConsentEvent.Purpose.PROMOTIONS)
    buy(client, canada, mug, QUEBEC)

    buy(client, canada, mug, ALBERTA)

    assert address_of("ana@example.com") == ("Calgary", "AB", "T2P 1J9")
    page = admin_client.get(reverse("admin:crm_segment_change", args=[segment.pk])).content.decode()
    assert '<strong class="segment-size">1</strong>' in page and "ana@example.com" in page


def test_a_province_the_customer_chose_in_their_profile_is_kept_when_an_order_goes_elsewhere(
        ana_client, ana, canada, mug):
    ana_client.post("/account/privacy/", {"action": "consent", ConsentEvent.Purpose.PROFILING: "on"})
    ana_client.post("/account/privacy/", {"action": "profile", "province": "BC"})
    assert Contact.objects.get(user=ana).province_chosen is True

    buy(ana_client, canada, mug, ALBERTA)  # a gift to her brother in Calgary
    assert address_of("ana@example.com") == ("", "BC", "")

    buy(ana_client, canada, mug, BRITISH_COLUMBIA)  # her own address, in her province: city and postal code
    assert address_of("ana@example.com") == ("Vancouver", "BC", "V6Z 2E7")

    ana_client.post("/account/privacy/", {"action": "consent"})  # withdraws profiling: her chosen province goes
    assert address_of("ana@example.com") == ("", "", "")
    assert Contact.objects.get(user=ana).province_chosen is False
    buy(ana_client, canada, mug, ALBERTA)  # orders set it again
    assert address_of("ana@example.com") == ("Calgary", "AB", "T2P 1J9")


def test_an_address_from_orders_stays_when_profiling_consent_is_withdrawn(ana_client, ana, canada, mug):
    buy(ana_client, canada, mug, ALBERTA)
    ana_client.post("/account/privacy/", {"action": "consent", ConsentEvent.Purpose.PROFILING: "on"})
    ana_client.post("/account/privacy/", {"action": "profile", "birth_year": "1980", "province": "AB"})

    ana_client.post("/account/privacy/", {"action": "consent"})

    contact = Contact.objects.get(user=ana)
    assert (contact.birth_year, contact.city, contact.province, contact.postal_code) == (None, "", "", "")
    buy(ana_client, canada, mug, QUEBEC)
    assert address_of("ana@example.com") == ("Montréal", "QC", "H2X 1Y4")


def test_a_pickup_without_an_address_gives_only_the_store_province_and_only_to_a_contact_without_one(
        client, canada, mug, store):
    store.province = "AB"
    store.save()
    pickup = DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up in store", kind="pickup", price=0,
                                           handling_fee=0, pickup_location=store)
    no_address = {"email": "ana@example.com", "ship_name": "Ana", "payment_method": "cheque"}

    buy(client, canada, mug, no_address, delivery_method=pickup.pk)
    assert address_of("ana@example.com") == ("", "AB", "")

    buy(client, canada, mug, QUEBEC)
    buy(client, canada, mug, no_address, delivery_method=pickup.pk)

    assert Order.objects.count() == 3
    assert address_of("ana@example.com") == ("Montréal", "QC", "H2X 1Y4")


def test_contacts_who_ordered_before_the_change_get_the_address_of_their_latest_delivered_order(order_for, mug):
    migration = importlib.import_module("crm.migrations.0004_contact_address_from_orders")
    order_for("cheque", (mug, 1))
    newest = order_for("cheque", (mug, 1))
    Order.objects.filter(pk=newest.pk).update(ship_city="Edmonton", ship_postal_code="T5J 0N3")
    Contact.objects.filter(email="ana@example.com").update(city="", province="", postal_code="")
    chosen = Contact.objects.create(name="Bo", email="bo@example.com", province="QC")

    migration.addresses_from_latest_orders(apps, None)

    assert address_of("ana@example.com") == ("Edmonton", "AB", "T5J 0N3")
    assert Contact.objects.get(email="ana@example.com").province_chosen is False
    chosen.refresh_from_db()
    assert (chosen.province, chosen.province_chosen) == ("QC", True)
