"""Formatting only: store opening times as each language writes them."""

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

# "10:00 a.m." in English, "10 h 00" in (Canadian) French.
TIME_FORMATS = {"en": "g:i a", "fr": r"G \h i"}


@register.filter
def store_time(value):
    if value is None or value == "":
        return ""
    language = (get_language() or "en").split("-")[0]
    return formats.time_format(value, TIME_FORMATS.get(language, TIME_FORMATS["en"]))
