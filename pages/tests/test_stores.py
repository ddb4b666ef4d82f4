import datetime
import re

import pytest
from django.urls import reverse

from pages import selectors, services
from pages.models import StoreHours
from pages.tests.factories import StoreFactory, StoreHoursFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The page's words with tags removed and spaces folded, to assert what a visitor reads."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_default_hours_are_monday_to_saturday_ten_to_six_and_sunday_closed(kensington):
    rows = list(StoreHours.objects.filter(location=kensington).order_by("weekday")
                .values_list("weekday", "opens", "closes", "closed"))

    assert rows == [(day, datetime.time(10), datetime.time(18), False) for day in range(6)] + [(6, None, None, True)]


def test_default_hours_leave_a_store_that_has_hours_alone(kensington):
    StoreHours.objects.filter(location=kensington, weekday=6).update(closed=False, opens=datetime.time(12),
                                                                    closes=datetime.time(17))

    written = services.store_hours_default(location=kensington)

    assert written == 0
    assert StoreHours.objects.get(location=kensington, weekday=6).opens == datetime.time(12)


def test_stores_page_shows_the_week_in_english(client, kensington, clock):
    clock(2026, 11, 24, 11, 30)

    text = _text(client.get(reverse("pages:stores")).content.decode())

    assert "Monday 10:00 a.m. to 6:00 p.m." in text
    assert "Saturday 10:00 a.m. to 6:00 p.m." in text
    assert "Sunday Closed" in text
    assert "Tuesday today 10:00 a.m. to 6:00 p.m." in text
    assert "1130 Kensington Rd NW Calgary AB T2N 3P9" in text
    assert "403-555-0110" in text


def test_stores_page_shows_the_week_in_french(client, kensington, clock):
    clock(2026, 11, 24, 11, 30)

    response = client.get("/fr/stores/")
    text = _text(response.content.decode())

    assert response.status_code == 200
    assert "lundi 10 h 00" in text and "18 h 00" in text
    assert "samedi 10 h 00" in text
    assert "dimanche" in text
    assert "Monday" not in text and "a.m." not in text


@pytest.mark.parametrize(("moment", "expected"), [
    ((2026, 11, 24, 11, 30), "Open now, until 6:00 p.m."),          # Tuesday, in the day
    ((2026, 11, 24, 10, 0), "Open now, until 6:00 p.m."),           # the minute it opens
    ((2026, 11, 24, 8, 15), "Closed now. Opens today at 10:00 a.m."),
    ((2026, 11, 24, 18, 0), "Closed now. Opens tomorrow at 10:00 a.m."),  # the minute it closes
    ((2026, 11, 28, 19, 0), "Closed now. Opens Monday at 10:00 a.m."),    # Saturday evening, closed on Sunday
    ((2026, 11, 29, 12, 0), "Closed now. Opens tomorrow at 10:00 a.m."),  # Sunday
])
def test_stores_page_says_whether_the_store_is_open_now(client, kensington, clock, moment, expected):
    clock(*moment)

    text = _text(client.get(reverse("pages:stores")).content.decode())

    assert expected in text


def test_open_now_reads_the_clock_in_the_shop_time_zone(client, kensington, monkeypatch):
    # 17:30 UTC on Tuesday is 10:30 in Edmonton (open); 02:00 UTC on Wednesday is 19:00 on Tuesday there (closed).
    monkeypatch.setattr(selectors, "now", lambda: datetime.datetime(2026, 11, 24, 17, 30, tzinfo=datetime.UTC))
    assert "Open now, until 6:00 p.m." in _text(client.get(reverse("pages:stores")).content.decode())

    monkeypatch.setattr(selectors, "now", lambda: datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC))
    assert "Closed now. Opens tomorrow at 10:00 a.m." in _text(client.get(reverse("pages:stores")).content.decode())


def test_open_now_in_french(client, kensington, clock):
    clock(2026, 11, 28, 19, 0)

    text = _text(client.get("/fr/stores/").content.decode())

    assert "lundi" in text and "10 h 00" in text


def test_map_link_is_an_encoded_openstreetmap_search_with_a_descriptive_name(client, kensington):
    html = client.get(reverse("pages:stores")).content.decode()

    url = ("https://www.openstreetmap.org/search?query="
           "1130+Kensington+Rd+NW%2C+Calgary%2C+AB+T2N+3P9%2C+Canada")
    assert f'<a href="{url}">Map of Calgary — Kensington store (opens OpenStreetMap)</a>' in html


def test_map_link_encodes_ampersands_and_accents(client):
    StoreFactory(name="Québec store", address="12 rue Saint-Jean & côte d'Abraham", city="Québec", province="QC",
                 postal_code="G1R 1N8")

    html = client.get(reverse("pages:stores")).content.decode()

    assert ("https://www.openstreetmap.org/search?query=12+rue+Saint-Jean+%26+c%C3%B4te+d%27Abraham%2C+"
            "Qu%C3%A9bec%2C+QC+G1R+1N8%2C+Canada") in html


def test_only_active_stores_shown_on_the_site_are_listed(client, kensington):
    StoreFactory(name="Closed-down store", is_active=False)
    StoreFactory(name="Back office", shown_on_site=False)
    StoreFactory(name="Calgary Warehouse", kind="warehouse", ships_online=True)

    text = _text(client.get(reverse("pages:stores")).content.decode())

    assert "Calgary — Kensington store" in text
    assert "Closed-down store" not in text and "Back office" not in text and "Calgary Warehouse" not in text


def test_a_store_without_day_by_day_hours_shows_its_summary_and_no_open_status(client):
    StoreFactory(name="Pop-up store", opening_hours="Weekends in December")

    text = _text(client.get(reverse("pages:stores")).content.decode())

    assert "Opening hours: Weekends in December" in text
    assert "Open now" not in text and "Closed now" not in text


def test_a_day_without_a_row_is_a_closed_day(client, clock):
    store = StoreFactory()
    StoreHoursFactory(location=store, weekday=2, opens=datetime.time(9), closes=datetime.time(12, 30))
    clock(2026, 11, 24, 11, 0)  # Tuesday: no row

    text = _text(client.get(reverse("pages:stores")).content.decode())

    assert "Tuesday today Closed" in text
    assert "Wednesday 9:00 a.m. to 12:30 p.m." in text
    assert "Closed now. Opens tomorrow at 9:00 a.m." in text


def test_stores_page_query_count_does_not_grow_with_stores(client, kensington, django_assert_max_num_queries):
    client.get(reverse("pages:stores"))  # warm the site-wide caches
    with django_assert_max_num_queries(2) as one:
        client.get(reverse("pages:stores"))
    for n in range(3):
        services.store_hours_default(location=StoreFactory(name=f"Store {n}"))
    with django_assert_max_num_queries(len(one.captured_queries)) as four:
        response = client.get(reverse("pages:stores"))

    assert response.content.decode().count("(opens OpenStreetMap)") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_hours_must_close_after_they_open_or_be_closed(kensington):
    from django.core.exceptions import ValidationError

    backwards = StoreHours(location=StoreFactory(), weekday=0, opens=datetime.time(18), closes=datetime.time(10))
    missing = StoreHours(location=backwards.location, weekday=1, opens=datetime.time(9))
    closed = StoreHours(location=backwards.location, weekday=2, closed=True)

    with pytest.raises(ValidationError) as backwards_error:
        backwards.full_clean()
    with pytest.raises(ValidationError) as missing_error:
        missing.full_clean()
    closed.full_clean()
    assert backwards_error.value.message_dict["closes"] == ["The store must close after it opens."]
    assert "Give the opening and closing times, or tick “closed all day”." in missing_error.value.messages


def test_the_french_stores_page_names_each_store_and_its_hours_in_french_with_elision(client):
    StoreFactory(name="Edmonton — Whyte Avenue store", name_fr="Edmonton — magasin Whyte Avenue",
                 opening_hours="Weekends in December", opening_hours_fr="Les fins de semaine de décembre")

    english = _text(client.get(reverse("pages:stores")).content.decode())
    french = _text(client.get("/fr/stores/").content.decode())

    assert "Edmonton — magasin Whyte Avenue" in french and "Whyte Avenue store" not in french
    assert "Heures d’ouverture : Les fins de semaine de décembre" in french
    assert "Carte d’Edmonton — magasin Whyte Avenue (ouvre OpenStreetMap)" in french  # not "Carte de Edmonton"
    assert "Map of Edmonton — Whyte Avenue store (opens OpenStreetMap)" in english
    assert "Opening hours: Weekends in December" in english


def test_staff_write_a_stores_name_and_hours_in_french_in_the_admin(admin_client, kensington):
    page = admin_client.get(f"/admin/inventory/stocklocation/{kensington.pk}/change/").content.decode()

    for field in ("name_en", "name_fr", "opening_hours_en", "opening_hours_fr"):
        assert f'name="{field}"' in page
