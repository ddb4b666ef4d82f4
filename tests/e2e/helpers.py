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
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Account statement", level=1)).to_be_visible()


def admin_log_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
