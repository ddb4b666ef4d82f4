"""A customer keeps an address book that fills checkout; a shopper asks to be told when a sold-out item is back."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Address
from inventory import services
from shipping.models import BackInStockRequest
from tests.e2e.helpers import customer_log_in, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_customer_saves_an_address_after_a_clear_error_and_checkout_starts_from_it(page: Page, customer, mug):
    customer_log_in(page, customer)
    page.get_by_role("link", name="My addresses").click()
    page.get_by_label("Label").fill("Home")
    page.get_by_label("Full name").fill("Ana Tremblay")
    page.get_by_label("Street address").fill("100 8 Ave SW")
    page.get_by_label("City").fill("Calgary")
    page.get_by_label("Province or territory").select_option(label="Alberta")
    page.get_by_label("Postal code").fill("H2X 1Y4")  # a Montréal code
    page.get_by_role("button", name="Save the address").click()

    expect(page.get_by_text("H2X 1Y4 is in Quebec, not in Alberta. Check the postal code or the province.")
           ).to_be_visible()
    assert not Address.objects.exists()
    page.get_by_label("Postal code").fill("t2p1j9")
    page.get_by_role("button", name="Save the address").click()
    expect(page.get_by_text("The address is saved.")).to_be_visible()
    assert Address.objects.get(user=customer).postal_code == "T2P 1J9"

    page.goto(mug.product.get_absolute_url())
    page.get_by_role("main").get_by_role("button", name="Add to cart").click()
    page.goto("/checkout/")
    expect(page.get_by_label("Street address")).to_have_value("100 8 Ave SW")
    expect(page.get_by_label("Postal code")).to_have_value("T2P 1J9")


def test_a_shopper_asks_to_be_emailed_when_a_sold_out_item_is_back_and_is_told_once(page: Page, mug, warehouse):
    services.stock_sell_in_store(variant=mug, location=warehouse, quantity=5)  # sold out online

    page.goto(mug.product.get_absolute_url())
    expect(page.get_by_text("Out of stock online")).to_be_visible()
    page.get_by_role("main").get_by_label("Your email").fill("lea@example.com")
    page.get_by_role("button", name="Email me when it is back").click()
    expect(messages(page)).to_contain_text("lea@example.com")
    assert BackInStockRequest.objects.filter(variant=mug, email="lea@example.com", notified_at=None).count() == 1

    from shipping.services.backinstock import restock_process

    services.stock_receive(variant=mug, location=warehouse, quantity=4)
    restock_process(variant_ids=[mug.pk])
    restock_process(variant_ids=[mug.pk])

    assert [m.to for m in mail.outbox if "lea@example.com" in m.to] == [["lea@example.com"]]
