import re

import pytest
from django.urls import reverse

from pages.models import NewsItem, Page
from pages.tests.factories import NewsItemFactory, PageFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_starter_pages_are_seeded_in_english_and_french(starter_pages):
    investors = Page.objects.get(slug="investors")
    release = NewsItem.objects.get(slug="edmonton-store-opens")

    assert (investors.title_en, investors.title_fr, investors.section) == ("Investors", "Investisseurs", "investors")
    assert investors.is_published and "investors@example.com" in investors.body_fr
    assert set(Page.objects.published().values_list("slug", flat=True)) >= {
        "about-us", "investors", "suppliers-and-partners"}
    assert (release.section, release.title_fr) == ("press", "Notre magasin d'Edmonton ouvre sur l'avenue Whyte")


def test_french_site_shows_the_seeded_french_content(client, starter_pages):
    text = _text(client.get("/fr/about/investors/").content.decode())

    assert "<h1" in client.get("/fr/about/investors/").content.decode()
    assert "Investisseurs" in text and "Relations avec les investisseurs" in text
    assert "Investor relations" not in text


def test_a_published_page_shows_its_paragraphs(client):
    PageFactory(slug="our-story", title_en="Our story", summary_en="How we began.",
                body_en="We opened in 2019.\n\nThen we grew.")

    html = client.get(reverse("pages:page_detail", kwargs={"slug": "our-story"})).content.decode()

    assert '<h1 class="h3">Our story</h1>' in html
    assert '<p class="lead">How we began.</p>' in html
    assert "<p>We opened in 2019.</p>\n\n<p>Then we grew.</p>" in html
    assert "<title>Our story · " in html


def test_an_unpublished_page_is_not_found_by_visitors_and_previewed_by_staff(client, admin_client):
    PageFactory(slug="draft", title_en="Coming soon", is_published=False)
    url = reverse("pages:page_detail", kwargs={"slug": "draft"})

    assert client.get(url).status_code == 404
    staff_view = admin_client.get(url)
    assert staff_view.status_code == 200
    assert "Preview: this is not published; only staff can see it." in staff_view.content.decode()
    assert client.get(reverse("pages:page_detail", kwargs={"slug": "no-such-page"})).status_code == 404


def test_an_unpublished_news_item_is_not_found_by_visitors(client, admin_client):
    NewsItemFactory(slug="embargoed", title_en="Embargoed results", is_published=False)
    url = reverse("pages:news_detail", kwargs={"slug": "embargoed"})

    assert client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200
    assert "Embargoed results" not in client.get(reverse("pages:news_list")).content.decode()
    assert "Embargoed results" not in client.get(reverse("pages:about")).content.decode()


def test_french_falls_back_to_english_when_the_french_text_is_empty(client):
    PageFactory(slug="careers", title_en="Careers", title_fr="", body_en="We are hiring.", body_fr="")
    PageFactory(slug="history", title_en="History", title_fr="Histoire", body_en="Since 2019.", body_fr="")

    careers = _text(client.get("/fr/about/careers/").content.decode())
    history = _text(client.get("/fr/about/history/").content.decode())

    assert "Careers" in careers and "We are hiring." in careers
    assert "Histoire" in history and "Since 2019." in history and "History" not in history


def test_body_and_title_html_from_staff_is_escaped(client):
    PageFactory(slug="markup", title_en="<b>Bold</b> title",
                body_en='<script>alert("x")</script>\n\n<a href="javascript:evil()">click</a>')

    html = client.get("/about/markup/").content.decode()

    assert "<script>alert" not in html and '<a href="javascript:evil()">' not in html
    assert "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html


def test_about_lists_published_pages_by_section_and_the_latest_news(client, starter_pages):
    PageFactory(section="partners", slug="partner-schools", title_en="School partnerships")
    PageFactory(section="partners", slug="hidden-partner", title_en="Hidden partner", is_published=False)
    NewsItemFactory(slug="older", title_en="Older news", published_on="2026-01-05")
    NewsItemFactory(slug="newer", title_en="Newer news", published_on="2026-11-20")

    html = client.get(reverse("pages:about")).content.decode()
    text = _text(html)

    assert '<h2 class="h5 mt-3" id="section-partners">Partners</h2>' in html
    assert "School partnerships" in text and "Hidden partner" not in text
    assert text.index("About us About us") < text.index("Investors Investors") < text.index("Partners")
    assert text.index("Newer news") < text.index("Older news")


def test_news_list_is_paginated_newest_first(client, starter_pages):
    for day in range(1, 13):
        NewsItemFactory(slug=f"day-{day}", title_en=f"Day {day:02d} news", published_on=f"2026-10-{day:02d}")

    first = _text(client.get(reverse("pages:news_list")).content.decode())
    second = _text(client.get(reverse("pages:news_list"), {"page": 2}).content.decode())
    junk = client.get(reverse("pages:news_list"), {"page": "x' OR 1=1"})

    # The seeded release (2 November) is the newest, then 12 October back to 4 October: ten to a page.
    assert first.index("Our Edmonton store opens on Whyte Avenue") < first.index("Day 12 news")
    assert first.index("Day 12 news") < first.index("Day 04 news")
    assert "Day 03 news" not in first and "Page 1 of 2" in first
    assert "Day 03 news" in second and "Day 01 news" in second and "Day 04 news" not in second
    assert "Page 2 of 2" in second
    assert junk.status_code == 200


def test_news_detail_in_french(client, starter_pages):
    html = client.get("/fr/news/edmonton-store-opens/").content.decode()
    text = _text(html)

    assert "<h1 class=\"h3\">Notre magasin d&#x27;Edmonton ouvre sur l&#x27;avenue Whyte</h1>" in html
    assert "2 novembre 2026" in text


def test_staff_manage_pages_and_store_hours_in_the_admin(admin_client, store):
    for url in (reverse("admin:pages_page_changelist"), reverse("admin:pages_page_add"),
                reverse("admin:pages_newsitem_changelist"), reverse("admin:pages_newsitem_add"),
                reverse("admin:inventory_stocklocation_change", args=[store.pk])):
        assert admin_client.get(url).status_code == 200, url

    form = admin_client.get(reverse("admin:inventory_stocklocation_change", args=[store.pk])).content.decode()
    assert 'name="hours-TOTAL_FORMS" value="7"' in form
