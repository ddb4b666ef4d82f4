"""The admin's sections are grouped by job (Selling, Warehouse, Money, Customers, Content, System) on the home page
and in the sidebar; each model keeps its permissions, and an app's own page still lists that app's models."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from staff.admin_site import SECTIONS, ShopAdminSite, section_of

pytestmark = pytest.mark.django_db

JOBS = ["Selling", "Warehouse", "Money", "Customers", "Content", "System"]


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "root-pw-123")


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def sections(response) -> dict[str, list[str]]:
    return {str(app["name"]): [m["model"]._meta.label_lower for m in app["models"]]
            for app in response.context["app_list"]}


def test_the_admin_site_is_the_shops():
    assert isinstance(admin.site, ShopAdminSite)


def test_the_home_page_lists_the_sections_by_job_with_every_model_once(root):
    listed = sections(signed_in(root).get(reverse("admin:index")))

    assert list(listed) == JOBS
    every = [label for labels in listed.values() for label in labels]
    assert sorted(every) == sorted(m._meta.label_lower for m in admin.site._registry)
    assert listed["Selling"][:2] == ["orders.order", "returns.returnrequest"]
    assert listed["Warehouse"][0] == "shipping.shipment"
    assert {"staff.timeentry", "inventory.stock"} <= set(listed["Warehouse"])
    assert {"payments.invoice", "staff.staffcost", "orders.taxrate"} <= set(listed["Money"])
    assert {"crm.contact", "help.customerquestion"} <= set(listed["Customers"])
    assert {"pages.page", "help.faqentry", "community.review"} <= set(listed["Content"])
    # Technical lists sit apart from the daily work.
    assert {"payments.stripeevent", "outbox.outboxemail", "inventory.apitoken", "jobs.jobrun", "auth.user",
            "auth.group"} <= set(listed["System"])


def test_models_not_named_go_to_their_apps_section_or_to_system():
    assert section_of("shipping.parcellocker") == "warehouse"
    assert section_of("payments.giftcard") == "money"
    assert section_of("monitoring.requestbucket") == "system"
    assert section_of("orders.order") == "selling"
    named = [label for _slug, _name, labels in SECTIONS for label in labels]
    assert len(named) == len(set(named))  # a model in one section only


def test_a_member_sees_the_sections_holding_what_their_role_opens(staff_in):
    listed = sections(signed_in(staff_in("Warehouse")).get(reverse("admin:index")))

    assert list(listed) == ["Selling", "Warehouse"]
    assert listed["Selling"] == ["orders.order", "returns.returnrequest", "catalog.product", "catalog.productvariant"]
    assert "staff.staffcost" not in [label for labels in listed.values() for label in labels]


def test_an_apps_own_page_still_lists_that_apps_models(root):
    response = signed_in(root).get(reverse("admin:app_list", kwargs={"app_label": "orders"}))

    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["orders"]
    assert {m["object_name"] for m in response.context["app_list"][0]["models"]} == {
        "Order", "DeliveryMethod", "TaxRate"}


def test_a_sections_heading_opens_a_page_of_that_section(root, staff_in):
    browser = signed_in(root)
    home = browser.get(reverse("admin:index")).content.decode()
    money_url = reverse("admin:section", kwargs={"section": "money"})
    assert f'<a href="{money_url}" class="section">Money</a>' in home

    page = browser.get(money_url)

    assert page.status_code == 200
    assert list(sections(page)) == ["Money"]
    assert browser.get(reverse("admin:section", kwargs={"section": "nowhere"})).status_code == 404
    # A section with nothing the member may open is not there for them.
    assert signed_in(staff_in("Warehouse")).get(money_url).status_code == 404


def test_the_sidebar_of_a_list_is_grouped_too(root):
    page = signed_in(root).get(reverse("admin:orders_order_changelist"))

    assert [str(app["name"]) for app in page.context["available_apps"]] == JOBS
