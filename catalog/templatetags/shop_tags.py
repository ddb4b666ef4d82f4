"""Formatting only: money in CAD for the active language, and links to this page in another language."""

from functools import lru_cache

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from core.money import money

register = template.Library()

register.filter("money", money)


@register.simple_tag(takes_context=True)
def url_in_language(context, language_code):
    request = context.get("request")
    if request is None:
        return "/"
    return _translated_url(request.get_full_path(), language_code, get_language())


@lru_cache(maxsize=2048)
def _translated_url(path: str, language_code: str, active_language: str | None) -> str:
    """translate_url, which resolves the path and reverses it, on every page's language links: the same answer for
    the same address as long as the process runs."""
    return translate_url(path, language_code)


@register.simple_tag
def csrf_placeholder():
    """The CSRF field for forms inside cached fragments; core.middleware puts the visitor's token in."""
    from django.utils.html import format_html

    from core.middleware import CSRF_PLACEHOLDER

    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_PLACEHOLDER)


@register.simple_tag
def colon():
    """The colon after a label, as each language writes it: "Total:" in English, "Total :" (no-break space) in
    French."""
    return "\u00a0:" if (get_language() or "").startswith("fr") else ":"


@register.filter(is_safe=True)
def elide(value):
    """French elision in a sentence a name was put in (core.french): "Carte d’Edmonton", not "Carte de Edmonton".
    Use it on the sentence: {% blocktranslate asvar label %}...{% endblocktranslate %}{{ label|elide }}."""
    from core.french import elide as french_elide

    return french_elide(value)


@register.filter
def day_long(value):
    """"Thursday, November 26" in English, "jeudi 26 novembre" in French."""
    from django.utils import formats

    if not value:
        return ""
    return formats.date_format(value, "l j F" if (get_language() or "").startswith("fr") else "l, F j")


# The page shell's shared parts, rendered once per worker: the category menu until the catalogue changes (one
# per language, page_cache.process_memo), the footer per language (its links change only with a new release,
# which restarts the workers).
_footers: dict[str, str] = {}


@register.simple_tag
def category_nav():
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from .. import page_cache, selectors

    language = get_language()
    return page_cache.process_memo(page_cache.CATALOG, lambda: mark_safe(render_to_string(  # noqa: S308 (a template)
        "partials/category_nav.html", {"categories": selectors.category_tree().roots,
                                       "shop_name": settings.SHOP_NAME})), key=("category_nav", language))


@register.simple_tag
def site_footer():
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    language = get_language()
    if language not in _footers:
        _footers[language] = mark_safe(render_to_string(  # noqa: S308 (a template, escaped as it renders)
            "partials/site_footer.html", {"shop_name": settings.SHOP_NAME}))
    return _footers[language]
