from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """What a shopper browses: the home, category and product pages, search and the site map. Each page composes
    the catalogue with stock, ratings, store hours and the delivery promise; catalog stays the pure catalogue."""

    name = "storefront"
    verbose_name = _("Storefront")
