"""A quote for made-to-order work in a real browser: a customer asks for a quote on a made-to-order table, a store
clerk prices it in the admin (the customer is emailed a signed link), the customer opens the link, accepts, checks
out and pays by cheque: the order is at the quoted price, with its taxes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory
from orders.models import Order
from quotes.models import Quote
from quotes.tests.factories import made_to_order_variant
from tests.e2e.helpers import admin_log_in, cart_button, fill_calgary_checkout, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_customer_asks_for_a_quote_staff_price_it_and_the_customer_accepts_and_pays(page: Page, new_context,
                                                                                     canada, staff_in):
    table = made_to_order_variant(sku="TABLE-1", category=CategoryFactory(name="Furniture", slug="furniture"))
    wanted = timezone.localdate() + datetime.timedelta(days=60)

    # The product page gives an estimate and "Ask for a quote", no "Add to cart".
    page.goto(table.product.get_absolute_url())
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Harvest Table", level=1)).to_be_visible()
    expect(main.get_by_text("$900.00 to $1,400.00, depending on size and wood")).to_be_visible()
    expect(main.get_by_role("button", name="Add to cart")).to_have_count(0)
    main.get_by_role("link", name="Ask for a quote").click()

    # The request form.
    expect(page.get_by_role("heading", name="Ask for a quote: Harvest Table", level=1)).to_be_visible()
    form = page.get_by_role("main")
    form.get_by_label("What would you like?").fill("Oak, 2 m long, seats eight, oiled finish.")
    form.get_by_label("Quantity").fill("2")
    form.get_by_label("Wanted by").fill(wanted.isoformat())
    form.get_by_label("Your name").fill("Ana Tremblay")
    form.get_by_label("Your email").fill("ana@example.com")
    form.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Quote request sent", level=1)).to_be_visible()
    quote = Quote.objects.get()
    expect(messages(page)).to_contain_text(f"your request {quote.reference} is received")
    assert quote.reference in mail.outbox[-1].subject

    # A store clerk prices it in the admin: a total for the two tables, a lead time, a validity date.
    clerk_page = new_context().new_page()
    admin_log_in(clerk_page, staff_in("Store staff"))
    clerk_page.get_by_role("link", name="Quotes").click()
    clerk_page.get_by_role("link", name=quote.reference).click()
    clerk_page.get_by_label("or total (CAD)").fill("2300.00")
    clerk_page.get_by_label("Lead time (days)").fill("30")
    clerk_page.get_by_label("Valid until").fill((timezone.localdate() + datetime.timedelta(days=14)).isoformat())
    clerk_page.get_by_label("Message to the customer").fill("Solid oak, oiled. Delivered assembled.")
    clerk_page.get_by_role("button", name="Send quote").click()
    expect(clerk_page.get_by_text("Quote emailed to ana@example.com.")).to_be_visible()
    quote.refresh_from_db()
    assert (quote.status, quote.unit_price) == ("quoted", Decimal("1150.00"))

    # The customer opens the emailed link: no sign-in needed.
    link = re.search(r"https?://\S+(/quotes/q/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Quote {quote.reference}", level=1)).to_be_visible()
    expect(page.get_by_text("$2,300.00")).to_be_visible()
    expect(page.get_by_text("Solid oak, oiled. Delivered assembled.")).to_be_visible()
    page.get_by_role("button", name="Accept and check out").click()

    # Straight to checkout, the quoted line in the cart at the quoted price.
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    expect(messages(page)).to_contain_text(f"Quote {quote.reference} accepted")
    expect(cart_button(page)).to_have_text("Cart: 2 items, $2,300.00")
    # (within the main content: the footer has a newsletter "Your email" field too)
    fill_calgary_checkout(page.get_by_role("main"), email="ana@example.com", name="Ana Tremblay", payment="Cheque")
    page.get_by_role("button", name="Review my order").click()
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    # $2,300.00 + $12.00 delivery + $2.50 handling, GST 5 % on $2,314.50 = $115.73
    page.get_by_role("button", name="Place order — $2,430.23").click()

    # The order, at the quoted price.
    order = Order.objects.get()
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Price breakdown").get_by_role("row").nth(1)).to_contain_text("$1,150.00")
    assert list(order.lines.values_list("sku", "unit_price", "quantity")) == [("TABLE-1", Decimal("1150.00"), 2)]
    assert (order.tax_total, order.total, order.payment_method) == (Decimal("115.73"), Decimal("2430.23"), "cheque")
    quote.refresh_from_db()
    assert (quote.status, quote.order) == ("ordered", order)
