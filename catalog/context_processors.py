from django.conf import settings


def navigation(request):
    """The shop's name for every page (the category menu is the category_nav tag: rendered once per worker)."""
    return {"shop_name": settings.SHOP_NAME}
