"""The Staffing page (D5b) against figures worked out by hand on staffing_data, to the hour and to the cent; who may
read it, and that hourly costs never reach a reader without staff.view_staffcost."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.periods import CUSTOM, DAY, WEEK, Period
from dashboards.selectors.staffing import staffing_report
from shipping.models import FulfilmentCapacity, Holiday
from staff import selectors as staff_selectors
from staff.models import StaffCost, TimeEntry
from staff.roles import ACCOUNTS, MANAGERS, MARKETING, STORE_STAFF, WAREHOUSE

from .conftest import PERIOD
from .factories import order_make, shipment_add

pytestmark = pytest.mark.django_db

APRIL = Period(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 14), preset=CUSTOM, granularity=DAY)
URL = "/dashboards/staffing/"
T = TimeEntry.Task
D = Decimal


@pytest.fixture
def staffing_data(now, variant, django_user_model):
    """1–14 April 2026 (Wednesday to Tuesday), compared with 18–31 March.

    Hourly costs: Pia $22.50 from 1 January, $24.75 from Wednesday 8 April; Rob $19.99 from 25 March; Sam has none.
    Hours logged in April, and their cost:
        Pia   1 Apr  picking   7.50 × 22.50 = 168.75
        Pia   2 Apr  picking   8.25 × 22.50 = 185.625
        Pia   8 Apr  picking   6.00 × 24.75 = 148.50
        Pia   9 Apr  service   1.75 × 24.75 =  43.3125
        Rob   1 Apr  counter   4.00 × 19.99 =  79.96
        Rob   2 Apr  picking   3.33 × 19.99 =  66.5667
        Rob  14 Apr  other     0.50 × 19.99 =   9.995
        Sam   8 Apr  picking   2.00          (no cost in effect: counted at nothing, shown apart)
      = 33.33 hours (picking 27.08, counter 4.00, service 1.75, other 0.50), 2.00 of them without a cost;
        cost 702.7092 -> $702.71.
      By task: picking 569.4417 -> $569.44, counter $79.96, service 43.3125 -> $43.31, other 9.995 -> $10.00.
      By person: Pia 23.50 h (21.75 picking, 1.75 service), 546.1875 -> $546.19; Rob 7.83 h (3.33 picking, 4.00
        counter, 0.50 other), 156.5217 -> $156.52; Sam 2.00 h picking, $0.00 and 2.00 h without a cost.
    In March: Pia 20 Mar picking 5.00 × 22.50 = 112.50; Rob 24 Mar counter 3.00 (his cost starts on the 25th: none);
      Rob 26 Mar picking 2.50 × 19.99 = 49.975 -> 10.50 hours, picking 7.50, 3.00 without a cost, 162.475 -> $162.48.
    Outside both: Pia 15 Apr (today), Rob 17 Mar.

    Orders shipped (first parcel, Edmonton day): O1 1 Apr 10:00 (its second parcel 8 Apr: counted once), O2 2 Apr
      23:30 (3 April in UTC), O3 8 Apr 12:00, O4 14 Apr 23:59 -> 4. March: O5 31 Mar 15:00 (second parcel 2 Apr),
      O7 20 Mar 09:00 -> 2. O6 15 Apr 00:00: today.
      Hours per order: 33.33 / 4 = 8.3325 -> 8.33 (March 10.50 / 2 = 5.25).
      Picking minutes per order: 27.08 × 60 / 4 = 406.2 (March 7.50 × 60 / 2 = 225.0).
      Cost per order: 702.71 / 4 = 175.6775 -> $175.68 (March 162.48 / 2 = $81.24).
      Per task and order: picking 569.44 / 4 = $142.36, counter $19.99, service 10.8275 -> $10.83, other $2.50.

    Capacity: 8 staff hours a working day at 12 minutes an order (40 orders), Monday to Friday; Good Friday 3 April a
      holiday. April: 9 working days (1, 2, 6–10, 13, 14) -> 72.00 hours, 360 orders planned; picking worked 27.08
      (1 Apr 7.50, 2 Apr 11.58, 8 Apr 8.00) -> 27.08 / 72 = 37.6 %. March 18–31: 10 working days -> 80.00 hours;
      7.50 worked -> 9.375 -> 9.4 %.
    """
    user = django_user_model.objects.create_user
    pia = user("pia", first_name="Pia", last_name="Lavoie", is_staff=True)
    rob = user("rob", first_name="Rob", last_name="Singh", is_staff=True)
    sam = user("sam", first_name="Sam", last_name="Roy", is_staff=True)
    day = datetime.date
    StaffCost.objects.create(person=pia, effective_from=day(2026, 1, 1), hourly_cost=D("22.50"))
    StaffCost.objects.create(person=pia, effective_from=day(2026, 4, 8), hourly_cost=D("24.75"))
    StaffCost.objects.create(person=rob, effective_from=day(2026, 3, 25), hourly_cost=D("19.99"))
    for person, when, task, hours in [
        (pia, day(2026, 4, 1), T.PICKING, "7.50"), (pia, day(2026, 4, 2), T.PICKING, "8.25"),
        (pia, day(2026, 4, 8), T.PICKING, "6.00"), (pia, day(2026, 4, 9), T.CUSTOMER_SERVICE, "1.75"),
        (rob, day(2026, 4, 1), T.COUNTER, "4.00"), (rob, day(2026, 4, 2), T.PICKING, "3.33"),
        (rob, day(2026, 4, 14), T.OTHER, "0.50"), (sam, day(2026, 4, 8), T.PICKING, "2.00"),
        (pia, day(2026, 3, 20), T.PICKING, "5.00"), (rob, day(2026, 3, 24), T.COUNTER, "3.00"),
        (rob, day(2026, 3, 26), T.PICKING, "2.50"),
        (pia, day(2026, 4, 15), T.PICKING, "4.00"), (rob, day(2026, 3, 17), T.PICKING, "1.00"),
    ]:
        TimeEntry.objects.create(person=person, day=when, task=task, hours=D(hours))
    parcels = {"O1": ["2026-04-01 10:00", "2026-04-08 09:00"], "O2": ["2026-04-02 23:30"],
               "O3": ["2026-04-08 12:00"], "O4": ["2026-04-14 23:59"], "O5": ["2026-03-31 15:00", "2026-04-02 16:00"],
               "O6": ["2026-04-15 00:00"], "O7": ["2026-03-20 09:00"]}
    for number, times in parcels.items():
        order = order_make(created="2026-03-15 09:00", status="shipped", lines=[(variant, 1, "10.00")],
                           number=f"ST-{number}")
        for shipped in times:
            shipment_add(order, shipped)
    FulfilmentCapacity.objects.update_or_create(pk=1, defaults={
        "staff_hours_per_day": D("8"), "minutes_per_order": 12, "working_days": "0,1,2,3,4"})
    Holiday.objects.get_or_create(date=day(2026, 4, 3), defaults={"name": "Good Friday"})
    return {"pia": pia, "rob": rob, "sam": sam}


def _figures(report):
    return {str(f.label): (f.value, f.previous) for f in report.figures}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def manager_without_costs(manager):
    """A manager whose group lost the permission on hourly costs (as a future reader outside Managers would be)."""
    Group.objects.get(name=MANAGERS).permissions.remove(Permission.objects.get(codename="view_staffcost"))
    return manager


# --- figures -----------------------------------------------------------------------------------------------------

def test_headline_figures_against_the_previous_period(staffing_data):
    figures = _figures(staffing_report(period=APRIL, costs=True))

    assert figures == {
        "Hours logged": (D("33.33"), D("10.50")),
        "Picking and packing hours": (D("27.08"), D("7.50")),
        "Orders shipped": (4, 2),
        "Hours per order shipped": (D("8.33"), D("5.25")),
        "Picking and packing minutes per order shipped": (D("406.2"), D("225.0")),
        "Picking and packing hours planned": (D("72.00"), D("80.00")),
        "Hours worked against planned (%)": (D("37.6"), D("9.4")),
        "Staffing cost": (D("702.71"), D("162.48")),
        "Staffing cost per order shipped": (D("175.68"), D("81.24")),
        "Hours without an hourly cost": (D("2.00"), D("3.00")),
    }


def test_hours_by_task_to_the_hour(staffing_data):
    rows = staffing_report(period=APRIL, costs=True).table("hours-by-task").rows

    assert rows == [("Picking and packing", D("27.08"), D("7.50"), D("81.2")),
                    ("Counter", D("4.00"), D("3.00"), D("12.0")),
                    ("Customer service", D("1.75"), D("0.00"), D("5.3")),
                    ("Other", D("0.50"), D("0.00"), D("1.5")),
                    ("Total", D("33.33"), D("10.50"), D("100.0"))]


def test_hours_and_cost_by_person(staffing_data):
    table = staffing_report(period=APRIL, costs=True).table("hours-by-person")

    assert table.rows == [
        ("Pia Lavoie", D("21.75"), D("0.00"), D("1.75"), D("0.00"), D("23.50"), D("546.19"), D("0.00")),
        ("Rob Singh", D("3.33"), D("4.00"), D("0.00"), D("0.50"), D("7.83"), D("156.52"), D("0.00")),
        ("Sam Roy", D("2.00"), D("0.00"), D("0.00"), D("0.00"), D("2.00"), D("0.00"), D("2.00")),
    ]
    pia = staffing_data["pia"].pk
    assert table.links[0] == (f"/admin/staff/timeentry/?day__gte=2026-04-01&day__lt=2026-04-15"
                              f"&person__id__exact={pia}")


def test_staffing_cost_per_order_to_the_cent(staffing_data):
    rows = staffing_report(period=APRIL, costs=True).table("cost-per-order").rows

    assert rows == [("Picking and packing", D("27.08"), D("2.00"), D("569.44"), D("142.36")),
                    ("Counter", D("4.00"), D("0.00"), D("79.96"), D("19.99")),
                    ("Customer service", D("1.75"), D("0.00"), D("43.31"), D("10.83")),
                    ("Other", D("0.50"), D("0.00"), D("10.00"), D("2.50")),
                    ("All tasks", D("33.33"), D("2.00"), D("702.71"), D("175.68"))]
    picking = staff_selectors.staffing_cost_per_order(start=APRIL.start, end=APRIL.end, tasks=[T.PICKING])
    assert (picking.cost, picking.per_order) == (D("569.44"), D("142.36"))


def test_capacity_planned_against_hours_worked_by_day(staffing_data):
    report = staffing_report(period=APRIL, costs=True)
    rows = {row[0]: row[1:] for row in report.table("capacity").rows}

    day = datetime.date
    assert len(rows) == 14
    assert rows[day(2026, 4, 1)] == (1, D("8.00"), D("7.50"), D("-0.50"), 40, 1)
    assert rows[day(2026, 4, 2)] == (1, D("8.00"), D("11.58"), D("3.58"), 40, 1)
    assert rows[day(2026, 4, 3)] == (0, D("0.00"), D("0.00"), D("0.00"), 0, 0)  # Good Friday
    assert rows[day(2026, 4, 4)] == (0, D("0.00"), D("0.00"), D("0.00"), 0, 0)  # Saturday
    assert rows[day(2026, 4, 8)] == (1, D("8.00"), D("8.00"), D("0.00"), 40, 1)
    assert rows[day(2026, 4, 14)] == (1, D("8.00"), D("0.00"), D("-8.00"), 40, 1)
    assert sum(r[1] for r in rows.values()) == D("72.00")
    assert sum(r[2] for r in rows.values()) == D("27.08")
    chart = next(s.chart for s in report.sections if s.slug == "capacity")
    assert [bar.title for bar in chart.bars[:2]] == ["April 1 — Planned: 8.00 h", "April 1 — Worked: 7.50 h"]


def test_capacity_by_week(staffing_data):
    week = Period(start=APRIL.start, end=APRIL.end, preset=CUSTOM, granularity=WEEK)

    rows = staffing_report(period=week, costs=False).table("capacity").rows

    day = datetime.date
    assert rows == [(day(2026, 3, 30), 2, D("16.00"), D("19.08"), D("3.08"), 80, 2),
                    (day(2026, 4, 6), 5, D("40.00"), D("8.00"), D("-32.00"), 200, 1),
                    (day(2026, 4, 13), 2, D("16.00"), D("0.00"), D("-16.00"), 80, 1)]


# --- the page and its CSV files ----------------------------------------------------------------------------------

def test_the_page_within_25_queries(manager_client, staffing_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = manager_client.get(URL, PERIOD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "$702.71" in page and "$175.68" in page and "33.33" in page
    assert "2.00 hours were logged by people with no hourly cost in effect" in page
    assert 'href="/admin/staff/timeentry/?day__gte=2026-04-01&amp;day__lt=2026-04-15"' in page
    assert 'href="/admin/staff/timeentry/add/"' in page
    assert 'id="chart-capacity-title"' in page


def test_the_timesheet_links_filter_the_admin_list(manager_client, staffing_data):
    table = staffing_report(period=APRIL, costs=True).table("hours-by-person")

    response = manager_client.get(table.links[2])  # Sam's hours in April

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_every_csv_within_25_queries(manager_client, staffing_data, django_assert_max_num_queries):
    for table in ("summary", "hours-by-task", "hours-by-person", "cost-per-order", "capacity"):
        with django_assert_max_num_queries(25):
            assert manager_client.get(URL, {**PERIOD, "export": table}).status_code == 200, table


def test_cost_per_order_csv(manager_client, staffing_data):
    response = manager_client.get(URL, {**PERIOD, "export": "cost-per-order"})

    assert response["Content-Disposition"] == (
        'attachment; filename="staffing-cost-per-order-2026-04-01-2026-04-14.csv"')
    assert _csv(response) == [
        ["Task", "Hours", "Hours without a cost", "Cost (CAD)", "Cost per order shipped (CAD)"],
        ["Picking and packing", "27.08", "2.00", "569.44", "142.36"],
        ["Counter", "4.00", "0.00", "79.96", "19.99"],
        ["Customer service", "1.75", "0.00", "43.31", "10.83"],
        ["Other", "0.50", "0.00", "10.00", "2.50"],
        ["All tasks", "33.33", "2.00", "702.71", "175.68"],
    ]


def test_hours_by_person_and_capacity_csv(manager_client, staffing_data):
    people = _csv(manager_client.get(URL, {**PERIOD, "export": "hours-by-person"}))
    capacity = _csv(manager_client.get(URL, {**PERIOD, "export": "capacity"}))

    assert people == [
        ["Person", "Picking and packing", "Counter", "Customer service", "Other", "Total hours", "Cost (CAD)",
         "Hours without a cost"],
        ["Pia Lavoie", "21.75", "0.00", "1.75", "0.00", "23.50", "546.19", "0.00"],
        ["Rob Singh", "3.33", "4.00", "0.00", "0.50", "7.83", "156.52", "0.00"],
        ["Sam Roy", "2.00", "0.00", "0.00", "0.00", "2.00", "0.00", "2.00"],
    ]
    assert capacity[0] == ["Day", "Working days", "Hours planned", "Hours worked", "Worked less planned",
                           "Orders planned", "Orders shipped"]
    assert capacity[1:3] == [["2026-04-01", "1", "8.00", "7.50", "-0.50", "40", "1"],
                             ["2026-04-02", "1", "8.00", "11.58", "3.58", "40", "1"]]
    assert len(capacity) == 15


def test_summary_csv_compares_with_the_previous_period(manager_client, staffing_data):
    rows = {row[0]: row[1:] for row in _csv(manager_client.get(URL, {**PERIOD, "export": "summary"}))}

    assert rows["Hours logged"] == ["33.33", "10.50", "22.83", "217.4"]
    assert rows["Staffing cost per order shipped"] == ["175.68", "81.24", "94.44", "116.2"]
    assert rows["Hours worked against planned (%)"] == ["37.6", "9.4", "28.2", "300.0"]


def test_the_page_in_french(manager_client, staffing_data):
    response = manager_client.get("/fr" + URL, PERIOD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "33,33" in page and "702,71" in page


# --- who sees what -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [URL, URL + "?export=capacity", URL + "?export=cost-per-order"])
def test_anonymous_visitors_get_403(client, url):
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("group", [STORE_STAFF, WAREHOUSE, ACCOUNTS, MARKETING])
def test_other_staff_groups_get_403(client, staff_in, group, staffing_data):
    client.force_login(staff_in(group))

    for url in (URL, URL + "?export=hours-by-person", URL + "?export=cost-per-order"):
        assert client.get(url).status_code == 403, url


def test_a_superuser_sees_the_costs(client, admin_user, staffing_data):
    client.force_login(admin_user)

    assert "$702.71" in client.get(URL, PERIOD).content.decode()


def test_a_manager_without_the_cost_permission_sees_no_cost(client, manager_without_costs, staffing_data):
    client.force_login(manager_without_costs)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, PERIOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "33.33" in page  # the hours are there
    for cost in ("702.71", "175.68", "546.19", "569.44", "22.50", "Staffing cost", "Cost (CAD)", "hourly cost",
                 "/admin/staff/staffcost/"):
        assert cost not in page, cost
    assert not any("staffcost" in query["sql"] for query in queries.captured_queries)  # not even read

    people = _csv(client.get(URL, {**PERIOD, "export": "hours-by-person"}))
    assert people[0] == ["Person", "Picking and packing", "Counter", "Customer service", "Other", "Total hours"]
    assert people[1] == ["Pia Lavoie", "21.75", "0.00", "1.75", "0.00", "23.50"]
    summary = _csv(client.get(URL, {**PERIOD, "export": "summary"}))
    assert not [row for row in summary if "cost" in row[0].lower()]
    assert client.get(URL, {**PERIOD, "export": "cost-per-order"}).status_code == 404
