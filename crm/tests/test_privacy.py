"""The customer's privacy page, data export, erasure and the unsubscribe link."""

import json
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from crm.models import ConsentEvent, Contact
from crm.services.consent import WORDING, WORDING_VERSION, consent_give, consent_state, unsubscribe_url

NEWS = ConsentEvent.Purpose.NEWSLETTER
PROFILING = ConsentEvent.Purpose.PROFILING
PAGE = "/account/privacy/"


def checked_boxes(response) -> set[str]:
    html = response.content.decode()
    return {name for name in ConsentEvent.Purpose.values
            if re.search(rf'<input[^>]*name="{name}"[^>]*\bchecked\b', html)}


def test_boxes_are_not_ticked_for_a_new_customer(ana_client, ana):
    response = ana_client.get(PAGE)

    assert response.status_code == 200
    assert checked_boxes(response) == set()
    for wording in WORDING.values():
        assert str(wording) in response.content.decode()
    assert Contact.objects.get(user=ana).email == "ana@example.com"


def test_give_then_withdraw_is_recorded_with_source_wording_and_version(ana_client, ana):
    response = ana_client.post(PAGE, {"action": "consent", NEWS: "on"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert checked_boxes(ana_client.get(PAGE)) == {NEWS}

    ana_client.post(PAGE, {"action": "consent"})

    given, withdrawn = ConsentEvent.objects.filter(contact__user=ana).order_by("occurred_at", "pk")
    assert (given.purpose, given.action, given.basis, given.source) == (NEWS, "give", "express", "account page")
    assert (given.wording, given.wording_version, given.ip_address) == (str(WORDING[NEWS]), WORDING_VERSION,
                                                                         "203.0.113.9")
    assert given.recorded_by == ana
    assert (withdrawn.purpose, withdrawn.action, withdrawn.source) == (NEWS, "withdraw", "account page")
    page = ana_client.get(PAGE)
    assert checked_boxes(page) == set()
    assert page.content.decode().count("account page") == 2


def test_saving_unchanged_boxes_records_nothing(ana_client, ana):
    ana_client.post(PAGE, {"action": "consent", NEWS: "on"})
    ana_client.post(PAGE, {"action": "consent", NEWS: "on"})

    assert ConsentEvent.objects.filter(contact__user=ana).count() == 1


def test_profile_is_editable_only_with_profiling_consent_and_cleared_on_withdrawal(ana_client, ana):
    assert "Optional profile" not in ana_client.get(PAGE).content.decode()
    ana_client.post(PAGE, {"action": "profile", "birth_year": "1980"})
    assert Contact.objects.get(user=ana).birth_year is None

    ana_client.post(PAGE, {"action": "consent", PROFILING: "on"})
    ana_client.post(PAGE, {"action": "profile", "birth_year": "1980", "gender": "woman", "province": "AB"})
    contact = Contact.objects.get(user=ana)
    assert (contact.birth_year, contact.gender, contact.province) == (1980, "woman", "AB")

    ana_client.post(PAGE, {"action": "consent"})
    contact.refresh_from_db()
    assert (contact.birth_year, contact.gender, contact.province) == (None, "", "")


def test_implied_consent_is_shown_with_its_lapse_date_and_not_ticked(ana_client, ana):
    from crm.services.consent import consent_imply

    contact = Contact.objects.create(name="Ana", email="ana@example.com", user=ana)
    consent_imply(contact=contact, basis=ConsentEvent.Basis.IMPLIED_PURCHASE, occurred_at=timezone.now(),
                  source="order C-10001")

    response = ana_client.get(PAGE)
    assert checked_boxes(response) == set()
    lapses = consent_state(contact=contact, purpose=NEWS, on=timezone.localdate()).lapses_on
    assert lapses.year == timezone.localdate().year + 2
    assert 'name="withdraw" value="newsletter"' in response.content.decode()


def test_export_holds_my_orders_and_not_another_customers(ana_client, ana, bob, order_for, mug):
    mine = order_for("cheque", (mug, 1), user=ana)
    theirs = order_for("cheque", (mug, 1), user=bob)

    response = ana_client.get("/account/privacy/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "ana@example.com"
    assert [o["number"] for o in data["orders"]] == [mine.number]
    assert theirs.number not in response.content.decode()
    order = data["orders"][0]
    assert order["total"] == str(mine.total)
    assert order["lines"][0]["sku"] == "MUG-1"
    assert order["ship_to"]["city"] == "Calgary"
    contact = data["contact"]
    assert (contact["city"], contact["province"], contact["postal_code"]) == ("Calgary", "AB", "T2P 1J9")


def test_export_needs_a_signed_in_customer(client):
    response = client.get("/account/privacy/export/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_erasure_anonymises_the_customer_and_keeps_the_accounting(ana_client, ana, order_for, mug):
    order = order_for("cheque", (mug, 2), user=ana)
    ana_client.post(PAGE, {"action": "consent", NEWS: "on"})
    assert Contact.objects.filter(user=ana, city="Calgary", province="AB", postal_code="T2P 1J9").exists()
    taxes_before = list(order.tax_lines.values_list("name", "rate", "base", "amount"))
    money_before = (order.subtotal, order.shipping, order.handling, order.tax_total, order.total)

    refused = ana_client.post("/account/privacy/erase/", {})
    assert refused.status_code == 200
    response = ana_client.post("/account/privacy/erase/", {"confirm": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("catalog:home")
    assert "Your personal data is erased" in response.content.decode()
    contact = Contact.objects.get(user=ana)
    assert (contact.name, contact.email, contact.phone) == ("", f"erased-{contact.pk}@invalid", "")
    assert (contact.city, contact.province, contact.postal_code, contact.province_chosen) == ("", "", "", False)
    assert contact.erased_at is not None
    assert not consent_state(contact=contact, purpose=NEWS, on=timezone.localdate()).counts
    ana.refresh_from_db()
    assert (ana.is_active, ana.email, ana.first_name, ana.last_name) == (False, "", "", "")
    order.refresh_from_db()
    assert (order.email, order.phone, order.ship_name, order.ship_address, order.ship_city,
            order.ship_postal_code) == (f"erased-{contact.pk}@invalid", "", "Erased", "", "", "")
    assert (order.subtotal, order.shipping, order.handling, order.tax_total, order.total) == money_before
    assert order.total == Decimal("53.03")  # 2 × $18.00 + $12.00 + $2.50, plus GST 5 %
    assert list(order.tax_lines.values_list("name", "rate", "base", "amount")) == taxes_before
    assert order.lines.get().quantity == 2
    assert ana_client.get(PAGE).status_code == 302  # signed out


def test_unsubscribe_link_with_a_bad_token_is_refused(client, contact):
    response = client.post("/unsubscribe/not-a-token/")

    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_unsubscribe_link_withdraws_everything_at_once(client, contact):
    consent_give(contact=contact, purpose=NEWS, source="checkout", wording="x", wording_version="1")
    url = unsubscribe_url(contact)
    path = url.removeprefix("http://127.0.0.1:8000")

    page = client.get(path)
    assert page.status_code == 200
    assert "Unsubscribe from everything" in page.content.decode()
    assert ConsentEvent.objects.filter(action="withdraw").count() == 0

    response = client.post(path)

    assert response.status_code == 200
    withdrawn = ConsentEvent.objects.filter(contact=contact, action="withdraw")
    assert sorted(withdrawn.values_list("purpose", flat=True)) == sorted(ConsentEvent.Purpose.values)
    assert set(withdrawn.values_list("source", flat=True)) == {"unsubscribe link"}
    assert not consent_state(contact=contact, purpose=NEWS, on=timezone.localdate()).counts


def test_html_in_a_name_is_escaped_on_the_account_page(ana_client, ana):
    Contact.objects.create(name="<script>alert(1)</script>", email="ana@example.com", user=ana)

    html = ana_client.get(PAGE).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_privacy_statement_is_public_and_linked_in_the_footer(client, db):
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert "PIPEDA" in response.content.decode()
    assert 'href="/privacy/"' in response.content.decode()
