"""The pages about the business in a real browser: a visitor finds the stores from the footer, with their hours and
a map link; staff rename the investors page in both languages and the visitor reads it in each."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from pages import selectors, services
from pages.models import Page as PageModel
from pages.tests.factories import PageFactory, StoreFactory
from tests.e2e.helpers import admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAP_URL = "https://www.openstreetmap.org/search?query=1130+Kensington+Rd+NW%2C+Calgary%2C+AB+T2N+3P9%2C+Canada"


def test_a_visitor_finds_a_store_and_reads_the_investors_page_staff_renamed_in_both_languages(
        page: Page, new_context, staff, monkeypatch):
    # The live server runs in this process: the stores page reads Tuesday 24 November 2026, 11:30 in Edmonton.
    monkeypatch.setattr(selectors, "now", lambda: datetime(2026, 11, 24, 11, 30, tzinfo=ZoneInfo("America/Edmonton")))
    store = StoreFactory(name="Calgary — Kensington store")
    services.store_hours_default(location=store)
    # Whether or not the starter pages are still there (a transactional test before this one flushes them).
    PageModel.objects.filter(slug="investors").delete()
    PageFactory(section="investors", slug="investors", title_en="Investors", title_fr="Investisseurs",
                body_en="Our annual report is published each June.",
                body_fr="Notre rapport annuel paraît chaque juin.")

    # The visitor opens "Our stores" from the footer.
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Our stores").click()
    expect(page.get_by_role("heading", name="Our stores", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Calgary — Kensington store", level=2)).to_be_visible()
    hours = page.get_by_role("table", name="Opening hours of Calgary — Kensington store")
    expect(hours.get_by_role("row")).to_have_text([
        "Day Hours",
        "Monday 10:00 a.m. to 6:00 p.m.",
        "Tuesday today 10:00 a.m. to 6:00 p.m.",
        "Wednesday 10:00 a.m. to 6:00 p.m.",
        "Thursday 10:00 a.m. to 6:00 p.m.",
        "Friday 10:00 a.m. to 6:00 p.m.",
        "Saturday 10:00 a.m. to 6:00 p.m.",
        "Sunday Closed",
    ], use_inner_text=True)
    expect(page.get_by_text("Open now, until 6:00 p.m.")).to_be_visible()
    map_link = page.get_by_role("link", name="Map of Calgary — Kensington store (opens OpenStreetMap)")
    expect(map_link).to_have_attribute("href", MAP_URL)

    # Staff rename the investors page in English and French.
    admin = new_context().new_page()
    admin_log_in(admin, staff)
    admin.goto("/admin/pages/page/")
    admin.get_by_role("table").get_by_role("link", name="Investors", exact=True).click()
    admin.get_by_label("Title [en]").fill("Investor relations")
    admin.get_by_label("Title [fr]").fill("Relations avec les investisseurs")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()

    # The visitor reads the new title, then the French one after switching language.
    page.get_by_role("contentinfo").get_by_role("link", name="About us, investors and partners").click()
    page.get_by_role("link", name="Investor relations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Investor relations")
    expect(page.get_by_text("Our annual report is published each June.")).to_be_visible()

    page.get_by_role("navigation", name="Language").get_by_role("link", name="français").click()
    expect(page).to_have_url(re.compile(r"/fr/about/investors/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Relations avec les investisseurs")
    expect(page.get_by_text("Notre rapport annuel paraît chaque juin.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
