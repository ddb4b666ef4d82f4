"""Formatting only: money in CAD for the active language, and links to this page in another language."""

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
    return translate_url(request.get_full_path(), language_code)


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


@register.filter
def day_long(value):
    """"Thursday, November 26" in English, "jeudi 26 novembre" in French."""
    from django.utils import formats

    if not value:
        return ""
    return formats.date_format(value, "l j F" if (get_language() or "").startswith("fr") else "l, F j")
