"""Sections of /sitemap.xml for the stores, policies, content pages and news (both languages)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import NewsItem, Page


class InfoSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "monthly"

    def items(self):
        return ["pages:stores", "pages:about", "pages:news_list", "pages:shipping_policy", "returns:policy",
                "crm:privacy", "help:faq", "help:contact"]

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


class NewsSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "yearly"

    def items(self):
        return NewsItem.objects.published().order_by("-published_on", "-pk")

    def lastmod(self, item):
        return item.updated_at
