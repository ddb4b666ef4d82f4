"""Unpublished pages and news are previewed by staff who may see them in the admin (pages.view_page,
pages.view_newsitem), not by every staff member."""

import pytest
from django.urls import reverse

from pages.tests.factories import NewsItemFactory, PageFactory

pytestmark = pytest.mark.django_db

NOTICE = "Preview: this is not published; only staff can see it."


def test_a_store_clerk_does_not_see_unpublished_pages_or_news(client, staff_in):
    PageFactory(slug="draft", title_en="Coming soon", is_published=False)
    NewsItemFactory(slug="embargoed", title_en="Embargoed results", is_published=False)
    client.force_login(staff_in("Store staff"))

    assert client.get(reverse("pages:page_detail", kwargs={"slug": "draft"})).status_code == 404
    assert client.get(reverse("pages:news_detail", kwargs={"slug": "embargoed"})).status_code == 404


def test_marketing_previews_unpublished_pages_and_news(client, staff_in):
    PageFactory(slug="draft", title_en="Coming soon", is_published=False)
    NewsItemFactory(slug="embargoed", title_en="Embargoed results", is_published=False)
    client.force_login(staff_in("Marketing"))

    page = client.get(reverse("pages:page_detail", kwargs={"slug": "draft"}))
    news = client.get(reverse("pages:news_detail", kwargs={"slug": "embargoed"}))

    assert (page.status_code, news.status_code) == (200, 200)
    assert NOTICE in page.content.decode() and "Coming soon" in page.content.decode()
    assert NOTICE in news.content.decode() and "Embargoed results" in news.content.decode()
