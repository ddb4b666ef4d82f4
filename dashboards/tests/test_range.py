"""The date range: presets in shop days, custom dates, the previous period, and bad input shown, never a 500."""

import datetime

import pytest

from dashboards import periods
from dashboards.forms import RangeForm

TODAY = datetime.date(2026, 5, 20)  # a Wednesday in the second quarter


def _period(data):
    form = RangeForm(data, today=TODAY)
    assert form.is_valid(), form.errors
    return form.cleaned_data["period"]


@pytest.mark.parametrize(("preset", "start", "end", "granularity"), [
    ("today", datetime.date(2026, 5, 20), datetime.date(2026, 5, 20), "day"),
    ("7d", datetime.date(2026, 5, 14), datetime.date(2026, 5, 20), "day"),
    ("30d", datetime.date(2026, 4, 21), datetime.date(2026, 5, 20), "day"),
    ("quarter", datetime.date(2026, 4, 1), datetime.date(2026, 5, 20), "week"),
    ("year", datetime.date(2026, 1, 1), datetime.date(2026, 5, 20), "week"),
])
def test_presets(preset, start, end, granularity):
    period = _period({"range": preset})

    assert (period.start, period.end, period.granularity) == (start, end, granularity)


def test_no_parameters_means_the_last_30_days():
    period = _period({})

    assert (period.preset, period.start, period.end) == ("30d", datetime.date(2026, 4, 21), TODAY)


def test_the_previous_period_has_the_same_length_just_before():
    period = _period({"range": "quarter"})  # 1 April – 20 May: 50 days

    assert (period.previous.start, period.previous.end) == (datetime.date(2026, 2, 10), datetime.date(2026, 3, 31))
    assert period.previous.days == period.days == 50


def test_custom_dates_and_a_chosen_granularity():
    period = _period({"range": "custom", "start": "2025-01-01", "end": "2025-12-31", "by": "month"})

    assert (period.start, period.end, period.granularity, period.days) == (
        datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "month", 365)
    assert len(period.buckets) == 12


def test_dates_typed_without_choosing_custom_count_as_custom():
    """Without JavaScript: the list still shows the period displayed, the dates were changed."""
    period = _period({"range": "30d", "start": "2026-03-01", "end": "2026-03-10", "was": "30d|2026-04-21|2026-05-20"})

    assert (period.preset, period.start, period.end) == ("custom", datetime.date(2026, 3, 1),
                                                         datetime.date(2026, 3, 10))


def test_a_preset_chosen_in_the_list_wins_over_the_dates_left_in_the_fields():
    period = _period({"range": "7d", "start": "2026-04-21", "end": "2026-05-20", "was": "30d|2026-04-21|2026-05-20"})

    assert (period.preset, period.start) == ("7d", datetime.date(2026, 5, 14))


@pytest.mark.parametrize(("data", "message"), [
    ({"range": "custom", "start": "2026-05-01"}, "give both the first and the last day"),
    ({"range": "custom", "start": "2026-05-10", "end": "2026-05-01"}, "must be on or before the last day"),
    ({"range": "custom", "start": "10/05/2026", "end": "2026-05-01"}, "Enter a valid date"),
    ({"range": "custom", "start": "2026-02-30", "end": "2026-05-01"}, "Enter a valid date"),
    ({"range": "custom", "start": "1999-12-31", "end": "2026-05-01"}, "2000 or later"),
    ({"range": "custom", "start": "2010-01-01", "end": "2026-05-01"}, "at most ten years"),
    ({"range": "year", "by": "day"}, "show by week or by month"),
    ({"range": "yesterday"}, "Select a valid choice"),
])
def test_bad_input_is_refused_with_a_message(data, message):
    form = RangeForm(data, today=TODAY)

    assert not form.is_valid()
    assert message in str(form.errors)


def test_weeks_start_on_monday_and_months_on_the_first():
    assert periods.buckets(datetime.date(2026, 4, 1), datetime.date(2026, 4, 14), "week") == [
        datetime.date(2026, 3, 30), datetime.date(2026, 4, 6), datetime.date(2026, 4, 13)]
    assert periods.buckets(datetime.date(2025, 12, 15), datetime.date(2026, 2, 1), "month") == [
        datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    {"range": "custom", "start": "2026-04-10", "end": "2026-04-01"},
    {"range": "custom", "start": "not-a-date", "end": "2026-04-01"},
    {"range": "custom", "start": "2026-13-01", "end": "2026-04-01"},
    {"range": "custom", "start": "2026-04-01", "end": "9" * 400},
    {"by": "fortnight"},
])
def test_the_page_shows_bad_dates_again_with_the_message(manager_client, now, query):
    response = manager_client.get("/dashboards/sales/", query)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "At a glance" not in page  # no figures for a range that is not one


@pytest.mark.django_db
def test_a_csv_of_bad_dates_is_a_400(manager_client, now):
    response = manager_client.get("/dashboards/sales/", {"range": "custom", "start": "2026-04-10",
                                                         "end": "2026-04-01", "export": "channels"})

    assert response.status_code == 400
    assert "on or before" in response.content.decode()


@pytest.mark.django_db
def test_the_page_keeps_the_range_in_its_links(manager_client, now):
    page = manager_client.get("/dashboards/sales/", {"range": "custom", "start": "2026-04-01",
                                                     "end": "2026-04-14"}).content.decode()

    assert 'href="/dashboards/fulfilment/?range=custom&amp;start=2026-04-01&amp;end=2026-04-14"' in page
    assert 'href="?range=custom&amp;start=2026-04-01&amp;end=2026-04-14&amp;export=channels"' in page
    assert "From April 1, 2026 to April 14, 2026 (14 days" in page
    assert "March 18, 2026 to March 31, 2026" in page
