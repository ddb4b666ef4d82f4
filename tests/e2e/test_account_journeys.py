"""Customer accounts in a real browser: signing up with a name, verifying the email through the emailed link (which
brings the earlier guest orders into the account), the order history and the statement, the greeting in the header,
and the erasure of a customer's personal data.

The live server runs in this process and the outbox sends right after commit (Celery eager), so the verification
email lands in django.core.mail.outbox; its links start with SHOP_BASE_URL, pointed at the live server.
"""

import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from orders.models import Order
from payments.models import Invoice
from tests.e2e.helpers import CUSTOMER_PASSWORD, customer_log_in, fill_calgary_checkout, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_EMAIL = "new@example.com"
NEW_PASSWORD = "kettle-and-mug-42"
ALBERTA = {"phone": "403-555-0101", "ship_address": "100 8 Ave SW", "ship_city": "Calgary",
           "ship_province": "AB", "ship_postal_code": "T2P 1J9"}
# One Stoneware Mug in Alberta: 18.00 + 12.00 shipping + 2.50 handling = 32.50; GST 5 % = 1.625 -> 1.63 (half-up).
ONE_MUG_TOTAL = "$34.13"


def place(*, variant, delivery, email: str, name: str, user=None) -> Order:
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    details = CheckoutDetails(email=email, ship_name=name, **ALBERTA, delivery_method_id=delivery.pk,
                              payment_method="cheque")
    return order_place(cart=cart, details=details, language="en", user=user)


def confirmation_link(body: str) -> str:
    return re.search(r"https?://\S+?/accounts/confirm-email/\S+/", body).group(0)


def banner(page: Page):
    return page.get_by_role("banner")


def history_rows(page: Page):
    return page.get_by_role("table", name="Your orders, newest first").get_by_role("row")


def statement_rows(page: Page):
    return page.get_by_role("table", name="Invoices, payments and refunds, oldest first").get_by_role("row")


def test_a_shopper_registers_verifies_orders_and_sees_history_and_statement(page: Page, mug, canada, settings,
                                                                           live_server):
    settings.SHOP_BASE_URL = live_server.url
    guest_order = place(variant=mug, delivery=canada, email=NEW_EMAIL, name="Noa Gagnon")
    mail.outbox.clear()

    # Sign up, with a name.
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", name="Create your account", level=1)).to_be_visible()
    page.get_by_label("First name").fill("Noa")
    page.get_by_label("Last name").fill("Gagnon")
    page.get_by_role("main").get_by_label("Email").fill(NEW_EMAIL)
    page.get_by_label(re.compile(r"^Password\W*$")).fill(NEW_PASSWORD)  # not "Password (again)"
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address", level=1)).to_be_visible()
    user = get_user_model().objects.get(email=NEW_EMAIL)
    assert not Order.objects.filter(user=user).exists()  # not before the email is proved hers

    # The verification email, in the shop's words, and its link.
    [email] = mail.outbox
    assert (email.to, email.subject) == ([NEW_EMAIL], "comptoir: confirm your email address")
    assert email.body.startswith("Hello Noa,\n\n")
    page.goto(confirmation_link(email.body))
    page.get_by_role("button", name="Confirm").click()
    assert EmailAddress.objects.get(user=user).verified is True

    # Sign in; the header greets her by the first name she gave.
    page.goto("/accounts/login/")
    page.get_by_role("main").get_by_label("Email").fill(NEW_EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Account statement", level=1)).to_be_visible()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Noa", "Gagnon")
    expect(banner(page).get_by_text("Hello, Noa", exact=True)).to_be_visible()

    # The guest order is in the history.
    banner(page).get_by_role("link", name="My orders").click()
    expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()
    expect(history_rows(page)).to_have_count(2)  # header + the guest order
    expect(history_rows(page).nth(1)).to_contain_text(guest_order.number)
    expect(history_rows(page).nth(1)).to_contain_text(ONE_MUG_TOTAL)

    # A new order through the checkout, signed in.
    page.goto(mug.product.get_absolute_url())
    page.get_by_role("main").get_by_role("button", name="Add to cart").click()
    expect(messages(page)).to_have_text("Stoneware Mug: 1 in your cart.")
    page.goto("/cart/")
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    fill_calgary_checkout(page, email=NEW_EMAIL, name="Noa Gagnon", payment="Cheque")
    page.get_by_role("button", name="Review my order").click()
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    page.get_by_role("button", name=f"Place order — {ONE_MUG_TOTAL}").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
    new_order = Order.objects.exclude(pk=guest_order.pk).get()
    assert new_order.user == user

    # Both orders in the history, newest first, and both invoices on the statement.
    banner(page).get_by_role("link", name="My orders").click()
    expect(history_rows(page)).to_have_count(3)
    expect(history_rows(page).nth(1)).to_contain_text(new_order.number)
    expect(history_rows(page).nth(2)).to_contain_text(guest_order.number)

    banner(page).get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", name="Account statement", level=1)).to_be_visible()
    invoices = list(Invoice.objects.filter(order__user=user).order_by("pk"))
    assert [i.order_id for i in invoices] == [guest_order.pk, new_order.pk]
    expect(statement_rows(page)).to_have_count(3)  # header + two invoices
    for row, invoice in zip((1, 2), invoices, strict=True):
        expect(statement_rows(page).nth(row)).to_contain_text(invoice.order.number)
        expect(statement_rows(page).nth(row)).to_contain_text(f"Invoice {invoice.number}")
    expect(page.get_by_text("Balance: $68.26", exact=True)).to_be_visible()  # 2 × 34.13


def test_a_returning_customer_is_greeted_by_name(page: Page, customer):
    customer_log_in(page, customer)

    expect(banner(page).get_by_text("Hello, Ana", exact=True)).to_be_visible()
    expect(banner(page).get_by_role("link", name="Sign in")).to_have_count(0)


def test_erasure_anonymises_the_customer_while_the_order_totals_stay(page: Page, customer, mug, canada):
    order = place(variant=mug, delivery=canada, email=customer.email, name="Ana Tremblay", user=customer)
    taxes_before = list(order.tax_lines.values_list("name", "rate", "amount").order_by("pk"))
    assert order.total == Decimal("34.13")

    customer_log_in(page, customer)
    page.get_by_role("link", name="Privacy, consent and your data").click()
    expect(page.get_by_role("heading", name="Privacy and consent", level=1)).to_be_visible()
    page.get_by_role("link", name="Erase my personal data and close my account").click()
    expect(page.get_by_role("heading", name="Erase my personal data", level=1)).to_be_visible()
    page.get_by_role("checkbox", name=re.compile(r"^I understand: my account is closed")).check()
    page.get_by_role("button", name="Erase my data").click()

    expect(messages(page)).to_have_text("Your personal data is erased and your account is closed.")
    expect(banner(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(banner(page).get_by_text(re.compile(r"^Hello,"))).to_have_count(0)

    order.refresh_from_db()
    assert order.total == Decimal("34.13")
    assert list(order.tax_lines.values_list("name", "rate", "amount").order_by("pk")) == taxes_before
    assert order.ship_name == "Erased"
    assert re.fullmatch(r"erased-\d+@invalid", order.email)
    assert (order.phone, order.ship_address, order.ship_city, order.ship_postal_code) == ("", "", "", "")
    customer.refresh_from_db()
    assert customer.is_active is False and customer.email == "" and customer.first_name == ""

    # She can no longer sign in.
    page.goto("/accounts/login/")
    page.get_by_role("main").get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    expect(page.get_by_role("heading", name="Account statement", level=1)).to_have_count(0)
    expect(banner(page).get_by_role("link", name="Sign in")).to_be_visible()
