"""The admin home's "Today" panel in a real browser: a staff member reads each count, follows it, and finds as many
rows in the list it opens (the shop of staff.tests.factories.today_shop_seed, counted by hand there)."""

import re

import pytest
from playwright.sync_api import Page, expect

from staff.tests.factories import TODAY_COUNTS, today_shop_seed
from tests.e2e.helpers import STAFF_PASSWORD, admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LABELS = {
    "to_prepare": "Orders to prepare", "late": "Late orders", "pickups": "Pickups waiting",
    "pickups_not_collected": "Pickups not collected in time",
    "overdue": "Invoices overdue", "customer_questions": "Customer questions to answer",
    "product_questions": "Product questions unanswered", "low_stock": "Low stock", "failed_emails": "Failed emails",
}


def today_panel(page: Page):
    return page.get_by_role("table", name="Today")


def rows_in_list(page: Page) -> int:
    """The rows of the list the page shows: an admin list's results, or the Orders to prepare table."""
    results = page.locator("#result_list tbody tr, table.to-prepare tbody tr")
    return results.count()


def read_and_follow_each_count(page: Page, expected: dict[str, int]) -> None:
    panel = today_panel(page)
    expect(panel).to_be_visible()
    expect(panel.get_by_role("row")).to_have_count(len(expected) + 1)  # + the header row (hidden, for screen readers)
    for key, count in expected.items():
        row = panel.get_by_role("row", name=re.compile("^" + re.escape(LABELS[key])))
        shown = int(row.get_by_role("cell").inner_text())
        assert shown == count, key
        row.get_by_role("link", name=LABELS[key]).click()
        expect(page.locator("#content")).to_be_visible()
        assert rows_in_list(page) == shown, key
        page.go_back()
        expect(today_panel(page)).to_be_visible()


def test_a_superuser_follows_each_count_of_the_today_panel_to_as_many_rows(page: Page, staff):
    today_shop_seed()
    admin_log_in(page, staff)

    read_and_follow_each_count(page, TODAY_COUNTS)


def test_a_warehouse_member_sees_the_counts_of_their_work_only(page: Page, django_user_model):
    from django.contrib.auth.models import Group

    today_shop_seed()
    picker = django_user_model.objects.create_user("pia", password=STAFF_PASSWORD, is_staff=True)
    picker.groups.add(Group.objects.get(name="Warehouse"))
    admin_log_in(page, picker)

    read_and_follow_each_count(page, {key: TODAY_COUNTS[key] for key in ["to_prepare", "late", "pickups",
                                                                         "low_stock"]})
    expect(today_panel(page).get_by_role("link", name="Invoices overdue")).to_have_count(0)
