import pytest
from django.urls import reverse

from pages.tests.factories import NewsItemFactory, PageFactory

pytestmark = pytest.mark.django_db


def test_site_map_lists_help_stores_policies_pages_news_and_account(client, starter_pages):
    PageFactory(section="partners", slug="school-partners", title_en="School partners")
    PageFactory(slug="draft-page", title_en="Draft page", is_published=False)
    NewsItemFactory(slug="draft-news", title_en="Draft news", is_published=False)

    html = client.get(reverse("catalog:site_map")).content.decode()

    for name in ("help:faq", "help:contact", "pages:stores", "pages:shipping_policy", "returns:policy",
                 "crm:privacy", "pages:about", "pages:news_list", "crm:account_orders", "payments:statement"):
        assert f'href="{reverse(name)}"' in html, name
    for slug in ("about-us", "investors", "suppliers-and-partners", "school-partners"):
        assert f'href="/about/{slug}/"' in html, slug
    assert '<a href="/news/edmonton-store-opens/">Our Edmonton store opens on Whyte Avenue</a>' in html
    assert "Draft page" not in html and "Draft news" not in html
    assert html.count("<h1") == 1


def test_site_map_in_french_lists_the_french_titles(client, starter_pages):
    html = client.get("/fr/site-map/").content.decode()

    assert '<a href="/fr/about/investors/">Investisseurs</a>' in html
    assert 'href="/fr/stores/"' in html and 'href="/fr/shipping/policy/"' in html


def test_sitemap_xml_has_the_pages_and_news_in_both_languages(client, starter_pages):
    PageFactory(slug="draft-page", is_published=False)

    index = client.get("/sitemap.xml").content.decode()
    info = client.get("/sitemap-info.xml").content.decode()
    about = client.get("/sitemap-about.xml").content.decode()
    news = client.get("/sitemap-news.xml").content.decode()

    assert all(f"/sitemap-{name}.xml</loc>" in index for name in ("info", "about", "news"))
    assert "/stores/</loc>" in info and "/fr/shipping/policy/</loc>" in info and "/help/</loc>" in info
    assert "/about/investors/</loc>" in about and "/fr/about/investors/</loc>" in about
    assert "draft-page" not in about
    assert "/news/edmonton-store-opens/</loc>" in news and "/fr/news/edmonton-store-opens/</loc>" in news
