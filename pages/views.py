from django.conf import settings
from django.shortcuts import render

from . import selectors


def _preview(request, permission: str) -> bool:
    """Staff who may see this kind of content in the admin see it unpublished too (with a notice) before it goes
    live; being staff alone is not enough."""
    return request.user.has_perm(permission)


def stores(request):
    return render(request, "pages/store_list.html", {"stores": selectors.stores_for_site()})


def about(request):
    return render(request, "pages/about.html", {"sections": selectors.about_sections(),
                                                "news": selectors.news_latest()})


def page_detail(request, slug):
    page = selectors.page_visible(slug=slug, preview=_preview(request, "pages.view_page"))
    return render(request, "pages/page_detail.html", {"page": page})


def news_list(request):
    return render(request, "pages/news_list.html", {"page_obj": selectors.news_page(number=request.GET.get("page"))})


def news_detail(request, slug):
    item = selectors.news_visible(slug=slug, preview=_preview(request, "pages.view_newsitem"))
    return render(request, "pages/news_detail.html", {"item": item})


def shipping_policy(request):
    return render(request, "pages/shipping_policy.html", {"policy": selectors.shipping_policy(),
                                                          "return_days": settings.SHOP_RETURN_DAYS})
