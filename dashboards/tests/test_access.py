"""Only Managers and superusers read the dashboards; everyone else gets 403, pages and CSV alike."""

import pytest
from django.contrib.auth.models import Group

from staff.roles import ACCOUNTS, MANAGERS, MARKETING, STORE_STAFF, WAREHOUSE

pytestmark = pytest.mark.django_db

URLS = ["/dashboards/", "/dashboards/sales/", "/dashboards/fulfilment/", "/dashboards/stock/", "/dashboards/customers/",
        "/dashboards/staffing/", "/dashboards/site/", "/dashboards/sales/?export=channels",
        "/fr/dashboards/fulfilment/?export=late", "/dashboards/staffing/?export=summary"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_get_403(client, url):
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("group", [STORE_STAFF, WAREHOUSE, ACCOUNTS, MARKETING])
def test_other_staff_groups_get_403(client, staff_in, group):
    client.force_login(staff_in(group))

    for url in URLS:
        assert client.get(url).status_code == 403, url


def test_a_signed_in_customer_gets_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ana", password="x-123-pw"))

    assert client.get("/dashboards/sales/").status_code == 403


def test_managers_and_superusers_read_every_page(client, staff_in, admin_user, now):
    for user in (staff_in(MANAGERS), admin_user):
        client.force_login(user)
        assert client.get("/dashboards/").url == "/dashboards/sales/"
        for url in URLS[1:]:
            assert client.get(url).status_code == 200, (user, url)


def test_an_inactive_manager_gets_403(client, staff_in):
    manager = staff_in(MANAGERS)
    manager.is_active = False
    manager.save()
    client.force_login(manager)

    assert client.get("/dashboards/sales/").status_code == 403


def test_the_admin_links_to_the_dashboards_for_managers_only(client, staff_in, now):
    manager, clerk = staff_in(MANAGERS), staff_in(STORE_STAFF)

    client.force_login(manager)
    assert 'href="/dashboards/"' in client.get("/admin/").content.decode()
    client.force_login(clerk)
    assert 'href="/dashboards/"' not in client.get("/admin/").content.decode()
    assert Group.objects.get(name=MANAGERS).user_set.filter(pk=clerk.pk).exists() is False
