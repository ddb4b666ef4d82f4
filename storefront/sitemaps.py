from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog import selectors
from pages.sitemaps import InfoSitemap, NewsSitemap, PageSitemap


class StaticSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self):
        return ["catalog:home", "catalog:site_map"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "daily"

    def items(self):
        return list(selectors.category_tree().by_id.values())


class ProductSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "daily"
    limit = 10_000  # URLs per file, times two languages: well under the protocol's 50,000

    def items(self):
        return selectors.sitemap_products()

    def lastmod(self, product):
        return product.updated_at


SITEMAPS = {"pages": StaticSitemap, "categories": CategorySitemap, "products": ProductSitemap,
            "info": InfoSitemap, "about": PageSitemap, "news": NewsSitemap}
