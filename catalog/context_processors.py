from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import selectors


def navigation(request):
    """Top-level categories for the menu, read from the cached tree only when a template asks."""
    return {
        "nav_categories": SimpleLazyObject(lambda: selectors.category_tree().roots),
        "shop_name": settings.SHOP_NAME,
    }
