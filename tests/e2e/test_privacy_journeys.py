"""A signed-in customer's privacy page in a real browser: ticking and unticking a consent box writes the consent log
(never edited, only added to), and the data export downloads everything held about her."""

import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from crm.models import ConsentEvent
from crm.services.consent import WORDING, WORDING_VERSION
from tests.e2e.helpers import customer_log_in, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEWSLETTER = re.compile(r"^Newsletter — ")


def customer_log_in_and_open_privacy(page: Page, user) -> None:
    customer_log_in(page, user)
    expect(page.get_by_role("banner").get_by_text("Hello, Ana", exact=True)).to_be_visible()
    page.get_by_role("link", name="Privacy, consent and your data").click()
    expect(page.get_by_role("heading", name="Privacy and consent", level=1)).to_be_visible()


def consent_log_rows(page: Page):
    """The rows of the "Your consent history" table, newest first, after its header."""
    return page.get_by_role("main").get_by_role("table").get_by_role("row")


def test_a_customer_gives_then_withdraws_consent_and_the_log_shows_both(page: Page, customer):
    customer_log_in_and_open_privacy(page, customer)
    newsletter = page.get_by_role("checkbox", name=NEWSLETTER)
    expect(newsletter).not_to_be_checked()
    expect(page.get_by_text("Nothing recorded yet.", exact=True)).to_be_visible()

    newsletter.check()
    page.get_by_role("button", name="Save my choices").click()
    expect(messages(page)).to_have_text("Your choices are saved.")
    expect(page.get_by_role("checkbox", name=NEWSLETTER)).to_be_checked()
    expect(consent_log_rows(page)).to_have_text([
        "Date Purpose Choice How",
        re.compile(rf"Newsletter\s+Given \(Express consent\)\s+account page · wording {WORDING_VERSION}$"),
    ], use_inner_text=True)

    page.get_by_role("checkbox", name=NEWSLETTER).uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(messages(page)).to_have_text("Your choices are saved.")
    expect(page.get_by_role("checkbox", name=NEWSLETTER)).not_to_be_checked()
    expect(consent_log_rows(page)).to_have_text([
        "Date Purpose Choice How",
        re.compile(r"Newsletter\s+Withdrawn\s+account page$"),
        re.compile(rf"Newsletter\s+Given \(Express consent\)\s+account page · wording {WORDING_VERSION}$"),
    ], use_inner_text=True)

    events = ConsentEvent.objects.filter(contact__user=customer).order_by("occurred_at", "pk")
    assert [(e.purpose, e.action, e.basis, e.source, e.wording_version, e.wording) for e in events] == [
        ("newsletter", "give", "express", "account page", WORDING_VERSION, str(WORDING["newsletter"])),
        ("newsletter", "withdraw", "", "account page", "", ""),
    ]


def test_a_customer_downloads_their_data(page: Page, customer, canada, mug):
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=mug.pk, quantity=1)
    order = order_place(cart=cart, language="en", user=customer, details=CheckoutDetails(
        email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay", ship_address="100 8 Ave SW",
        ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9", delivery_method_id=canada.pk,
        payment_method="cheque"))

    customer_log_in_and_open_privacy(page, customer)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data (JSON)").click()
    download = download_info.value

    assert download.suggested_filename == f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    with open(download.path(), encoding="utf-8") as f:
        text = f.read()
    assert "ana@example.com" in text and order.number in text
    data = json.loads(text)
    assert data["account"]["email"] == "ana@example.com"
    assert [o["number"] for o in data["orders"]] == [order.number]
