"""R3: a customer's profile and address book — validated, escaped, private to its owner, and pre-filling checkout."""

import json

import pytest
from django.urls import reverse

from accounts.models import Address, Profile

pytestmark = pytest.mark.django_db

PROFILE = {"first_name": "Ana", "last_name": "Tremblay", "phone": "(403) 555.0101", "phone_alt": "+1 403 555 0199",
           "company": "Café Tremblay"}
CALGARY = {"label": "Office", "name": "Ana Tremblay", "street": "100 8 Ave SW", "city": "Calgary",
           "province": "AB", "postal_code": "t2p1j9", "phone": "403 555 0101", "is_default": "on"}


def sign_in(client, user):
    client.force_login(user)
    return client


def address_of(user, **fields) -> Address:
    values = {"label": "Home", "name": "Ana Tremblay", "street": "100 8 Ave SW", "city": "Calgary",
              "province": "AB", "postal_code": "T2P 1J9", "phone": "403-555-0101", "is_default": True, **fields}
    return Address.objects.create(user=user, **values)


def test_a_customer_saves_the_profile_with_phones_normalised(client, ana):
    response = sign_in(client, ana).post(reverse("accounts:profile"), {**PROFILE, "first_name": "Anaïs"})

    assert response.status_code == 302
    profile = Profile.objects.get(user=ana)
    assert (profile.phone, profile.phone_alt, profile.company) == ("403-555-0101", "403-555-0199", "Café Tremblay")
    ana.refresh_from_db()
    assert (ana.first_name, ana.last_name) == ("Anaïs", "Tremblay")


@pytest.mark.parametrize("phone", ["12345", "abc", "403-555-01011"])
def test_a_bad_phone_is_refused_with_a_clear_message_and_nothing_is_saved(client, ana, phone):
    response = sign_in(client, ana).post(reverse("accounts:profile"), {**PROFILE, "first_name": "Changed",
                                                                       "phone": phone})

    assert response.status_code == 200
    assert "Enter a 10-digit Canadian phone number, e.g. 403-555-0101." in response.content.decode()
    assert not Profile.objects.filter(user=ana).exists()
    ana.refresh_from_db()
    assert ana.first_name == "Ana"


def test_an_oversized_company_or_name_is_refused_with_its_limit(client, ana):
    response = sign_in(client, ana).post(reverse("accounts:profile"),
                                         {**PROFILE, "company": "x" * 201, "last_name": "y" * 151})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Keep this to 200 characters or fewer (it has 201)." in html
    assert "Keep this to 150 characters or fewer (it has 151)." in html
    assert not Profile.objects.filter(user=ana).exists()


def test_an_oversized_street_is_refused_and_no_address_saved(client, ana):
    response = sign_in(client, ana).post(reverse("accounts:address_list"), {**CALGARY, "street": "s" * 201})

    assert "Keep this to 200 characters or fewer (it has 201)." in response.content.decode()
    assert not Address.objects.exists()


def test_a_script_typed_as_a_name_is_shown_escaped(client, ana):
    script = "<script>alert(1)</script>"
    sign_in(client, ana).post(reverse("accounts:profile"), {**PROFILE, "first_name": script})
    client.post(reverse("accounts:address_list"), {**CALGARY, "name": script, "label": script})

    for url in (reverse("accounts:profile"), reverse("accounts:address_list")):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert script not in html


def test_an_address_is_saved_normalised_and_becomes_the_only_default(client, ana):
    old = address_of(ana)

    response = sign_in(client, ana).post(reverse("accounts:address_list"), CALGARY)

    assert response.status_code == 302
    new = Address.objects.get(user=ana, label="Office")
    assert (new.postal_code, new.phone, new.is_default) == ("T2P 1J9", "403-555-0101", True)
    old.refresh_from_db()
    assert old.is_default is False


def test_a_postal_code_from_another_province_is_refused(client, ana):
    response = sign_in(client, ana).post(reverse("accounts:address_list"), {**CALGARY, "postal_code": "H2X 1Y4"})

    assert response.status_code == 200
    assert "H2X 1Y4 is in Quebec, not in Alberta. Check the postal code or the province." in response.content.decode()
    assert not Address.objects.exists()


def test_another_customers_address_cannot_be_edited_or_deleted_by_a_guessed_id(client, ana, bob):
    hers = address_of(ana)
    sign_in(client, bob)

    assert client.get(reverse("accounts:address_edit", args=[hers.pk])).status_code == 404
    assert client.post(reverse("accounts:address_edit", args=[hers.pk]),
                       {**CALGARY, "street": "Taken over"}).status_code == 404
    assert client.post(reverse("accounts:address_delete", args=[hers.pk])).status_code == 404

    hers.refresh_from_db()
    assert (hers.user, hers.street) == (ana, "100 8 Ave SW")
    assert "100 8 Ave SW" not in client.get(reverse("accounts:address_list")).content.decode()


def test_the_owner_edits_and_deletes_her_address(client, ana):
    hers = address_of(ana)
    sign_in(client, ana)

    assert client.post(reverse("accounts:address_edit", args=[hers.pk]),
                       {**CALGARY, "street": "200 9 Ave SW"}).status_code == 302
    hers.refresh_from_db()
    assert hers.street == "200 9 Ave SW"
    assert client.post(reverse("accounts:address_delete", args=[hers.pk])).status_code == 302
    assert not Address.objects.exists()


def test_the_statement_and_data_export_show_only_the_signed_in_customers_orders(client, ana, bob, order_for, mug):
    hers = order_for("cheque", (mug, 1), user=ana)
    sign_in(client, ana)
    assert hers.number in client.get(reverse("payments:statement")).content.decode()
    assert hers.number in client.get(reverse("crm:account_privacy_export")).content.decode()

    sign_in(client, bob)
    statement = client.get(reverse("payments:statement")).content.decode()
    export = client.get(reverse("crm:account_privacy_export")).content.decode()

    assert hers.number not in statement
    assert hers.number not in export
    assert "ana@example.com" not in export
    assert json.loads(export)  # a real export, of Bob's own (empty) data


def test_checkout_is_prefilled_from_the_default_address(client, ana, mug, canada):
    address_of(ana, label="Old", street="1 Old Rd", is_default=False)
    address_of(ana, label="Office", name="Ana T.", street="100 8 Ave SW", phone="403-555-0101")
    sign_in(client, ana).post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})

    form = client.get(reverse("orders:checkout")).context["form"]

    assert form.initial == {"ship_name": "Ana T.", "ship_address": "100 8 Ave SW", "ship_city": "Calgary",
                            "ship_province": "AB", "ship_postal_code": "T2P 1J9", "phone": "403-555-0101",
                            "email": "ana@example.com"}


def test_checkout_keeps_the_details_already_typed_over_the_default_address(client, ana, mug, canada):
    address_of(ana)
    sign_in(client, ana).post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), {"email": "ana@example.com", "ship_name": "Someone Else",
                                             "ship_address": "1 rue Sainte-Catherine", "ship_city": "Montréal",
                                             "ship_province": "QC", "ship_postal_code": "H2X 1Y4",
                                             "delivery_method": canada.pk, "payment_method": "cheque"})

    form = client.get(reverse("orders:checkout")).context["form"]

    assert form.initial["ship_name"] == "Someone Else"


@pytest.mark.parametrize("url", ["/account/profile/", "/account/addresses/", "/account/addresses/1/edit/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_anonymous_delete_changes_nothing(client, ana):
    hers = address_of(ana)

    response = client.post(reverse("accounts:address_delete", args=[hers.pk]))

    assert response["Location"].startswith("/accounts/login/")
    assert Address.objects.filter(pk=hers.pk).exists()
