"""What search engines read in a page's head: its description, its canonical address and the same page in the
other language (hreflang), or "noindex"; a product's schema.org data (storefront.structured_data) as JSON-LD.

Everything here is built from the page's path and query (which key the whole-page cache, catalog.page_cache) and
SHOP_BASE_URL, never from the request's Host header: a page cached for one visitor is right for every other.
"""

import html
import json
import re

from django import template
from django.conf import settings
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from catalog.templatetags.shop_tags import _translated_url

register = template.Library()

# The pages search engines may index: the catalogue, help and contact, the stores, the company's pages and news, and
# the policies. Everything else is noindex by design: the cart, checkout, orders, accounts and sign-in, forms and
# what they answer (quote requests, questions, newsletter sign-up), and any search results (a `q` in the query).
INDEXABLE_VIEWS = frozenset({
    "catalog:home", "catalog:category_detail", "catalog:product_detail", "catalog:site_map",
    "help:faq", "help:contact",
    "pages:stores", "pages:about", "pages:page_detail", "pages:news_list", "pages:news_detail",
    "pages:shipping_policy", "returns:policy", "crm:privacy",
})
NOINDEX = mark_safe('<meta name="robots" content="noindex">')  # noqa: S308 (a constant)
DESCRIPTION_MAX = 160  # what search results show of it, about


def is_indexable(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in INDEXABLE_VIEWS and "q" not in request.GET


def absolute_url(path: str) -> str:
    return settings.SHOP_BASE_URL.rstrip("/") + path


def canonical_path(request) -> str:
    """The page's own address without what only tracks or sorts (utm_*, sort=...): the path, and ?page=N from the
    second page of a list on."""
    page = request.GET.get("page", "")
    if page.isdigit() and 1 < int(page) < 10_000:
        return f"{request.path}?page={int(page)}"
    return request.path


@register.simple_tag(takes_context=True)
def search_engine_links(context):
    """<link rel="canonical"> and <link rel="alternate" hreflang> for each language (x-default: the default
    language's page) on an indexable page; <meta name="robots" content="noindex"> on any other."""
    request = context.get("request")
    if request is None or not is_indexable(request):
        return NOINDEX
    path = canonical_path(request)
    active = get_language()
    alternates = [(code, absolute_url(_translated_url(path, code, active))) for code, _name in settings.LANGUAGES]
    alternates.append(("x-default", dict(alternates)[settings.LANGUAGE_CODE]))
    links = [format_html('<link rel="canonical" href="{}">', absolute_url(path))]
    links += [format_html('<link rel="alternate" hreflang="{}" href="{}">', code, url) for code, url in alternates]
    return mark_safe("\n  ".join(links))  # noqa: S308 (each link built by format_html)


@register.filter(is_safe=True)
def meta_description(value) -> str:
    """A description's text for <meta name="description">: tags and runs of spaces removed, cut at a word to at
    most DESCRIPTION_MAX characters ("…" ends a cut text). Takes rendered (escaped) HTML, returns it escaped."""
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(str(value)))).strip()
    if len(text) > DESCRIPTION_MAX:
        cut = text[: DESCRIPTION_MAX - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.—–-") + "…"
    return escape(text)


# json_script's escapes: no "</script>" or "<!--" can end or change the block, whatever a product is called.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """<script type="application/ld+json">: a data block browsers never run (so the Content-Security-Policy, which
    allows no inline script, does not apply to it)."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped)
