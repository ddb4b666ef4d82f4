"""Formatting only: store opening times as each language writes them."""

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

# "10:00 a.m." in English, "10 h 00" in (Canadian) French.
TIME_FORMATS = {"en": "g:i a", "fr": r"G \h i"}


@register.filter
def store_time(value):
    if value is None or value == "":
        return ""
    language = (get_language() or "en").split("-")[0]
    return formats.time_format(value, TIME_FORMATS.get(language, TIME_FORMATS["en"]))


def _one_full_stop(sentence: str) -> str:
    """A sentence ending on an English time ("10:00 a.m.") ends with that time's full stop, not a second one."""
    return sentence[:-1] if sentence.endswith("..") else sentence


@register.simple_tag
def store_open_status(status) -> str:
    """"Open now, until 6:00 p.m." or "Closed now. Opens tomorrow at 10:00 a.m." (pages.selectors.OpenStatus)."""
    if status.is_open:
        sentence = _("Open now, until %(time)s.") % {"time": store_time(status.closes)}
    elif status.next_opens:
        time, day = store_time(status.next_opens), status.next_day_name
        if status.next_in_days == 0:
            sentence = _("Closed now. Opens today at %(time)s.") % {"time": time}
        elif status.next_in_days == 1:
            sentence = _("Closed now. Opens tomorrow at %(time)s.") % {"time": time}
        else:
            sentence = _("Closed now. Opens %(day)s at %(time)s.") % {"day": day, "time": time}
    else:
        sentence = _("Closed now.")
    return _one_full_stop(sentence)
