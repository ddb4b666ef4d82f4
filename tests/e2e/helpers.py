"""What several browser journeys do the same way."""

from playwright.sync_api import Page, expect

STAFF_PASSWORD = "staff-pw-123"


def admin_log_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
