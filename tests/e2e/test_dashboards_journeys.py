"""A manager reads the dashboards in a real browser: Sales, another date range (a preset, then custom dates),
Fulfilment, and a table downloaded as CSV; then Staffing; axe-core finds nothing to fix on any of them."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.tests.factories import VariantFactory
from dashboards.tests.factories import order_make, shipment_add
from orders.models import Order
from staff.models import StaffCost, TimeEntry
from staff.roles import MANAGERS
from tests.e2e.axe import axe_violations
from tests.e2e.helpers import STAFF_PASSWORD, admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user("mona", password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


@pytest.fixture
def shop_week(db):
    """An order placed an hour ago: 2 × $50.00 + $12.50 shipping, tax $5.63 -> $112.50 before taxes; a cheque order
    placed 30 hours ago whose parcel left 2 hours ago: 28 hours to ship."""
    variant = VariantFactory(sku="MUG-1")
    now = timezone.now()
    order_make(created=_local(now - datetime.timedelta(hours=1)), lines=[(variant, 2, "50.00")], shipping="12.50",
               tax="5.63")
    shipped = order_make(created=_local(now - datetime.timedelta(hours=30)), status=Order.Status.SHIPPED,
                         method=Order.PaymentMethod.CHEQUE, lines=[(variant, 1, "20.00")])
    shipment_add(shipped, _local(now - datetime.timedelta(hours=2)))


def test_a_manager_reads_sales_and_fulfilment_and_downloads_a_csv(page: Page, manager, shop_week, tmp_path):
    admin_log_in(page, manager)
    page.get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", name="Sales", level=1)).to_be_visible()
    glance = page.get_by_role("table", name="Headline figures, this period and the previous one")
    expect(glance.get_by_role("row", name=re.compile("^Revenue before taxes"))).to_contain_text("$132.50")
    expect(page.get_by_role("img", name="Revenue before taxes", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Period").select_option(label="Last 7 days")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"range=7d"))
    expect(page.get_by_text(re.compile(r"\(7 days, shop time\)"))).to_be_visible()

    today = timezone.localdate()
    page.get_by_label("Period").select_option(label="Custom dates")
    page.get_by_label("From").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(re.compile(r"\(3 days, shop time\)"))).to_be_visible()
    expect(glance.get_by_role("row", name=re.compile("^Orders"))).to_contain_text("2")

    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("To").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The first day must be on or before the last day.")

    page.get_by_label("Period").select_option(label="Last 7 days")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Fulfilment").click()
    expect(page.get_by_role("heading", name="Fulfilment", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"\(7 days, shop time\)"))).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download “Orders shipped in the period, by time to ship” (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"fulfilment-time-to-ship-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    path = tmp_path / "time-to-ship.csv"
    download.save_as(path)
    body = path.read_bytes().decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:]))) == [
        ["Time to ship", "Orders"], ["< 24 h", "0"], ["24–48 h", "1"], ["48–72 h", "0"], ["3–5 d", "0"],
        ["> 5 d", "0"]]


def test_a_manager_reads_staffing_and_downloads_its_csv(page: Page, manager, shop_week, tmp_path):
    """Today: 2.50 hours of picking and packing by the manager at $20.00 an hour -> $50.00; the page shows the hours,
    the cost and the capacity chart, and its table downloads as CSV."""
    today = timezone.localdate()
    StaffCost.objects.create(person=manager, effective_from=today - datetime.timedelta(days=30),
                             hourly_cost=Decimal("20.00"))
    TimeEntry.objects.create(person=manager, day=today, task=TimeEntry.Task.PICKING, hours=Decimal("2.50"))
    admin_log_in(page, manager)
    page.get_by_role("link", name="Dashboards").click()
    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Staffing").click()
    expect(page.get_by_role("heading", name="Staffing", level=1)).to_be_visible()
    glance = page.get_by_role("table", name="Headline figures, this period and the previous one")
    expect(glance.get_by_role("row", name=re.compile("^Hours logged"))).to_contain_text("2.50")
    expect(glance.get_by_role("row", name=re.compile(r"^Staffing cost \$"))).to_contain_text("$50.00")
    expect(page.get_by_role("img", name="Picking and packing hours, planned and worked")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Period").select_option(label="Today")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(re.compile(r"\(1 days?, shop time\)"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download “Picking and packing: hours planned and worked")).click()
    path = tmp_path / "capacity.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8")[1:])))
    assert rows[0][:4] == ["Day", "Working days", "Hours planned", "Hours worked"]
    assert rows[1][0] == today.isoformat() and rows[1][3] == "2.50"


def test_a_manager_reads_stock_and_customers_and_downloads_their_csv(page: Page, manager, shop_week, tmp_path):
    """Stock: the week's web orders (3 mugs, $100.00 + $20.00 of lines) lead the best sellers, downloaded as CSV.
    Customers: the 80/20 curve is drawn (no paying customer contact yet) and its tables download as CSV."""
    admin_log_in(page, manager)
    page.get_by_role("link", name="Dashboards").click()
    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Stock").click()
    expect(page.get_by_role("heading", name="Stock", level=1)).to_be_visible()
    glance = page.get_by_role("table", name="Headline figures, this period and the previous one")
    expect(glance.get_by_role("row", name=re.compile("^Online product revenue"))).to_contain_text("$120.00")
    expect(page.get_by_role("img", name="Best sellers by units")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Period").select_option(label="Last 7 days")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(re.compile(r"\(7 days, shop time\)"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download “Best sellers by units")).click()
    assert re.fullmatch(r"stock-best-sellers-units-[\d-]+\.csv", download_info.value.suggested_filename)
    path = tmp_path / "best-sellers.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8")[1:])))
    assert rows[0] == ["Product", "Units online", "Units at the counters", "Units sold", "Online revenue (CAD)"]
    assert rows[1][1:] == ["3", "0", "3", "120.00"]

    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"\(7 days, shop time\)"))).to_be_visible()
    expect(page.get_by_role("img", name="The 80/20 curve")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download “New and returning customers")).click()
    path = tmp_path / "new-returning.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8")[1:])))
    assert rows[0] == ["Customers", "This period", "Previous period", "Revenue (CAD)", "Revenue, previous period (CAD)"]
    assert rows[1:] == [["New customers", "0", "0", "0.00", "0.00"], ["Returning customers", "0", "0", "0.00", "0.00"],
                        ["Total", "0", "0", "0.00", "0.00"]]


def test_a_manager_reads_the_site_page_after_three_visits_to_the_home_page(page: Page, manager, live_server, settings,
                                                                          tmp_path):
    """Three visits to the home page, each counted and written as the live site does: the Site page's table of pages
    shows them, and its CSV has the same row."""
    from monitoring.recorder import recorder

    recorder.clear()  # what earlier tests' requests left in this process's memory is not written here
    settings.SHOP_MONITORING_FLUSH_SECONDS = 0.000_001  # every request adds its counts to the database at once
    for _ in range(3):
        page.goto(live_server.url + "/")
    admin_log_in(page, manager)
    page.get_by_role("link", name="Dashboards").click()
    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Site").click()
    page.get_by_label("Period", exact=True).select_option(label="Today")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", name="Site", level=1)).to_be_visible()
    pages = page.get_by_role("table", name="Requests, errors and response times per page, busiest first")
    expect(pages.get_by_role("row", name=re.compile(r"^catalog:home 3 "))).to_be_visible()
    queue = page.get_by_role("table", name="Emails waiting and the background task queue, at this moment")
    expect(queue).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download “Requests, errors and response times per page")).click()
    path = tmp_path / "pages.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8")[1:])))
    assert next(row for row in rows if row[0] == "catalog:home")[1] == "3"
