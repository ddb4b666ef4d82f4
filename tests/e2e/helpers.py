"""What several browser journeys do the same way."""

import re

from playwright.sync_api import Page, expect

STAFF_PASSWORD = "staff-pw-123"
CUSTOMER_PASSWORD = "ana-pw-123"


def cart_button(page: Page):
    """The header's "Cart: N items, $X" link."""
    return page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Cart:"))


def messages(page: Page):
    """The messages shown at the top of the page."""
    return page.get_by_role("main").get_by_role("status")


def customer_log_in(page: Page, user) -> None:
    """Sign in on the shop's sign-in page (by email) and land on the account statement."""
    page.goto("/accounts/login/")
    page.get_by_role("main").get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Account statement", level=1)).to_be_visible()


def admin_log_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


# The flat-rate option's radio also says its price and date: "… — $14.50 — arrives by Friday, November 27".
STANDARD = re.compile("^" + re.escape("Standard delivery (flat rate, anywhere in Canada)") + " — ")


def fill_calgary_address(page: Page, *, email: str, name: str, label=lambda text: text) -> None:
    """The checkout's email, name and a Calgary address, then "Show delivery options" pressed; `label` turns each
    English label into the one the shopper reads (French: the catalogue's gettext). `page` may be a part of it: the
    footer's newsletter sign-up has an email field too, so a whole page is searched within its main part."""
    (page.get_by_role("main") if isinstance(page, Page) else page).get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Full name")).fill(name)
    page.get_by_label(label("Street address")).fill("100 8 Ave SW")
    page.get_by_label(label("City")).fill("Calgary")
    page.get_by_label(label("Province or territory")).select_option(label="Alberta")
    page.get_by_label(label("Postal code")).fill("T2P 1J9")
    page.get_by_role("button", name=label("Show delivery options for this address")).click()


def fill_calgary_checkout(page: Page, *, email: str, name: str, payment: str = "Cheque") -> None:
    """The checkout form for a Calgary address, flat-rate delivery and the given way to pay."""
    fill_calgary_address(page, email=email, name=name)
    page.get_by_role("radio", name=STANDARD).check()
    page.get_by_role("radio", name=payment).check()
