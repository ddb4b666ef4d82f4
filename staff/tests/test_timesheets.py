"""Timesheets in the admin: fulfilment staff log and read their own hours only, Managers everyone's; the hourly cost
of a person is never shown outside Managers (and superusers)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from staff.models import StaffCost, TimeEntry

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
LIST = reverse("admin:staff_timeentry_changelist")
ADD = reverse("admin:staff_timeentry_add")


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def team(staff_in):
    """Pia (Warehouse) and Rob (Store staff) with hours logged and an hourly cost each; Marie, a manager."""
    pia = staff_in("Warehouse", username="pia")
    rob = staff_in("Store staff", username="rob")
    marie = staff_in("Managers", username="marie")
    TimeEntry.objects.create(person=pia, day=DAY, task=TimeEntry.Task.PICKING, hours=Decimal("7.50"),
                             note="PIA-NOTE")
    TimeEntry.objects.create(person=rob, day=DAY, task=TimeEntry.Task.COUNTER, hours=Decimal("4.00"),
                             note="ROB-NOTE")
    StaffCost.objects.create(person=pia, effective_from=datetime.date(2026, 1, 1), hourly_cost=Decimal("22.57"))
    StaffCost.objects.create(person=rob, effective_from=datetime.date(2026, 1, 1), hourly_cost=Decimal("19.93"))
    return pia, rob, marie


def test_a_warehouse_member_lists_only_their_own_hours(team):
    pia, rob, _marie = team
    page = signed_in(pia).get(LIST).content.decode()

    assert "PIA-NOTE" in page and "ROB-NOTE" not in page
    other = TimeEntry.objects.get(person=rob)
    opened = signed_in(pia).get(reverse("admin:staff_timeentry_change", args=[other.pk]))
    assert opened.status_code == 302  # "does not exist": not in their list
    assert signed_in(pia).get(reverse("admin:staff_timeentry_change",
                                      args=[TimeEntry.objects.get(person=pia).pk])).status_code == 200


def test_store_staff_log_their_own_hours_whoever_they_name(team):
    pia, rob, _marie = team

    response = signed_in(rob).post(ADD, {"day": "2026-03-03", "task": "counter", "hours": "6.25", "note": "",
                                         "person": pia.pk})

    assert response.status_code == 302
    entry = TimeEntry.objects.latest("pk")
    assert (entry.person, entry.created_by, entry.hours, entry.day) == (rob, rob, Decimal("6.25"),
                                                                       datetime.date(2026, 3, 3))


def test_staff_cannot_change_or_delete_logged_hours(team):
    pia, _rob, _marie = team
    entry = TimeEntry.objects.get(person=pia)

    page = signed_in(pia).get(reverse("admin:staff_timeentry_change", args=[entry.pk])).content.decode()

    assert '<input type="submit"' not in page
    assert signed_in(pia).post(reverse("admin:staff_timeentry_delete", args=[entry.pk]),
                               {"post": "yes"}).status_code == 403
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_a_manager_sees_everyones_hours_with_their_cost_and_logs_for_anyone(team):
    pia, rob, marie = team
    browser = signed_in(marie)

    page = browser.get(LIST).content.decode()

    assert "PIA-NOTE" in page and "ROB-NOTE" in page
    assert "$169.28" in page  # 7.50 h × $22.57 = $169.275, half up
    assert "$79.72" in page  # 4.00 h × $19.93
    response = browser.post(ADD, {"person": rob.pk, "day": "2026-03-04", "task": "service", "hours": "1.50",
                                  "note": ""})
    assert response.status_code == 302
    assert TimeEntry.objects.latest("pk").person == rob
    assert browser.get(reverse("admin:staff_staffcost_changelist")).status_code == 200


@pytest.mark.parametrize("group", ["Warehouse", "Store staff", "Accounts", "Marketing", "Catalogue managers"])
def test_hourly_costs_are_never_shown_outside_managers(group, team, staff_in):
    pia, _rob, _marie = team
    member = staff_in(group, username="someone")
    TimeEntry.objects.create(person=member, day=DAY, task=TimeEntry.Task.OTHER, hours=Decimal("7.50"))
    StaffCost.objects.create(person=member, effective_from=DAY, hourly_cost=Decimal("22.57"))
    browser = signed_in(member)

    pages = [browser.get(reverse("admin:index")), browser.get(LIST)]
    own = TimeEntry.objects.get(person=member)
    pages.append(browser.get(reverse("admin:staff_timeentry_change", args=[own.pk])))
    if member.has_perm("auth.view_user"):  # Accounts looks up user accounts
        pages += [browser.get(reverse("admin:auth_user_changelist")),
                  browser.get(reverse("admin:auth_user_change", args=[pia.pk]))]

    for page in pages:
        html = page.content.decode()
        assert "22.57" not in html and "169.28" not in html and "$169" not in html, page.request["PATH_INFO"]
        assert "hourly cost" not in html.lower(), page.request["PATH_INFO"]
    for name, args in [("admin:staff_staffcost_changelist", []), ("admin:staff_staffcost_add", []),
                       ("admin:staff_staffcost_change", [StaffCost.objects.get(person=pia).pk])]:
        assert browser.get(reverse(name, args=args)).status_code == 403, (group, name)


def test_only_managers_hold_a_permission_on_hourly_costs():
    from django.contrib.auth.models import Group

    holders = set(Group.objects.filter(permissions__content_type__model="staffcost").values_list("name", flat=True))

    assert holders == {"Managers"}


def test_hours_are_more_than_nothing_and_at_most_a_day(team):
    pia, _rob, marie = team
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(person=pia, day=DAY, task=TimeEntry.Task.PICKING, hours=Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(person=pia, day=DAY, task=TimeEntry.Task.PICKING, hours=Decimal("24.25"))

    response = signed_in(marie).post(ADD, {"person": pia.pk, "day": "2026-03-04", "task": "picking",
                                           "hours": "-1", "note": ""})
    assert response.status_code == 200 and response.context["adminform"].form.errors["hours"]
