"""The admin home's "Today" panel: each count equals the rows of the list its link opens, a member sees only the
items whose list they may open, and the panel costs one COUNT per item whatever the size of the shop."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from orders.models import Order
from staff.tests.factories import TODAY_COUNTS, delivery_methods, order_make, today_shop_seed

pytestmark = pytest.mark.django_db

ALL = list(TODAY_COUNTS)


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "root-pw-123")


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def panel(html: str) -> dict[str, tuple[str, int]]:
    """{item key: (link, count)} as the Today panel shows them."""
    return {key: (url.replace("&amp;", "&"), int(count)) for key, url, count in re.findall(
        r'<tr class="today-([a-z_]+)">\s*<th scope="row"><a href="([^"]+)">[^<]+</a></th>\s*'
        r'<td class="today-count"><strong>(\d+)</strong></td>', html)}


def rows_listed(html: str) -> int:
    """The rows of the admin list on the page (a changelist's results, or the Orders to prepare table)."""
    table = re.search(r'<table (?:id="result_list"|class="to-prepare[^"]*")>(.*?)</table>', html, re.S)
    if table is None:
        return 0
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S)
    return len(re.findall(r"<tr[ >]", body.group(1))) if body else 0


def test_each_count_equals_the_rows_of_the_list_it_links_to(root):
    expected = today_shop_seed()
    browser = signed_in(root)

    shown = panel(browser.get(reverse("admin:index")).content.decode())

    assert {key: count for key, (_url, count) in shown.items()} == expected
    for key, (url, count) in shown.items():
        page = browser.get(url)
        assert page.status_code == 200, key
        assert rows_listed(page.content.decode()) == count, key


def test_the_links_open_the_lists_filtered_as_named(root):
    today_shop_seed()

    shown = panel(signed_in(root).get(reverse("admin:index")).content.decode())

    assert {key: url for key, (url, _count) in shown.items()} == {
        "to_prepare": "/admin/shipping/shipment/to-prepare/",
        "late": "/admin/orders/order/?late=yes",
        "pickups": "/admin/orders/order/?pickup=waiting",
        "pickups_not_collected": "/admin/shipping/pickup/?step=not_collected",
        "overdue": "/admin/payments/invoice/?state=overdue",
        "customer_questions": "/admin/help/customerquestion/?status__exact=new",
        "product_questions": "/admin/community/productquestion/?answered=no",
        "low_stock": "/admin/inventory/stock/?low=yes",
        "failed_emails": "/admin/outbox/outboxemail/?status__exact=failed",
    }


def test_the_panel_follows_the_shop_as_work_is_done(root):
    today_shop_seed()
    browser = signed_in(root)
    Order.objects.filter(status=Order.Status.PREPARING).update(status=Order.Status.SHIPPED)  # 3 of the 6 left

    shown = panel(browser.get(reverse("admin:index")).content.decode())

    assert shown["to_prepare"][1] == 3
    assert shown["pickups"][1] == 1


@pytest.mark.parametrize(("group", "items"), [
    ("Warehouse", ["to_prepare", "late", "pickups", "low_stock"]),
    ("Store staff", ["pickups_not_collected", "low_stock"]),
    ("Accounts", ["late", "pickups", "overdue"]),
    ("Marketing", ["customer_questions", "product_questions"]),
    ("Catalogue managers", ["low_stock"]),
    # Nobody but a superuser reads the outbox (its emails hold sign-in links).
    ("Managers", [key for key in ALL if key != "failed_emails"]),
])
def test_each_member_sees_only_the_items_whose_list_they_may_open(group, items, staff_in):
    today_shop_seed()
    browser = signed_in(staff_in(group))

    shown = panel(browser.get(reverse("admin:index")).content.decode())

    assert list(shown) == items
    for key, (url, count) in shown.items():
        assert rows_listed(browser.get(url).content.decode()) == count == TODAY_COUNTS[key], key


def test_a_superuser_sees_every_item(root):
    today_shop_seed()

    assert list(panel(signed_in(root).get(reverse("admin:index")).content.decode())) == ALL


def test_staff_status_alone_shows_no_item(django_user_model):
    today_shop_seed()
    clerk = django_user_model.objects.create_user("clerk", password="clerk-pw-123", is_staff=True)

    page = signed_in(clerk).get(reverse("admin:index")).content.decode()

    assert panel(page) == {}
    assert 'id="today"' not in page


def test_an_app_page_has_no_today_panel(root):
    today_shop_seed()

    page = signed_in(root).get(reverse("admin:app_list", kwargs={"app_label": "orders"})).content.decode()

    assert 'id="today"' not in page


def _index_queries(browser, django_assert_max_num_queries, cap):
    with django_assert_max_num_queries(cap) as captured:
        assert browser.get(reverse("admin:index")).status_code == 200
    return len(captured.captured_queries)


def test_the_home_page_reads_one_count_per_item_however_many_orders(root, staff_in, django_assert_max_num_queries):
    today_shop_seed()
    manager = signed_in(staff_in("Managers"))
    superuser = signed_in(root)
    # Session, user, the user's and their groups' permissions, 8 counts, the recent actions; one left for the header
    # (templates/admin/base_site.html may ask whether the member is a manager).
    before = _index_queries(manager, django_assert_max_num_queries, 14)
    # Session, user, 9 counts, the recent actions (+ the header's one).
    root_before = _index_queries(superuser, django_assert_max_num_queries, 13)

    ship, pickup = delivery_methods()
    for n in range(30):
        order_make([Order.Status.PAID, Order.Status.RECEIVED, Order.Status.SHIPPED][n % 3],
                   pickup if n % 2 else ship)

    assert _index_queries(manager, django_assert_max_num_queries, 14) == before
    assert _index_queries(superuser, django_assert_max_num_queries, 13) == root_before
