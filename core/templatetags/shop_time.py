"""Formatting only: a moment as a customer reads it, with the shop's time zone named ("MST" in winter and "MDT" in
summer for America/Edmonton), so that a shopper in Halifax or Vancouver knows whose clock a timeline keeps."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Canada's zones as each language abbreviates them (French: "HNR", heure normale des Rocheuses); any other zone is
# shown as the time zone database names it.
ZONE_NAMES = {
    "PST": _("PST"), "PDT": _("PDT"),
    "MST": _("MST"), "MDT": _("MDT"),
    "CST": _("CST"), "CDT": _("CDT"),
    "EST": _("EST"), "EDT": _("EDT"),
    "AST": _("AST"), "ADT": _("ADT"),
    "NST": _("NST"), "NDT": _("NDT"),
}


def zone_name(value) -> str:
    """The abbreviation of the shop's time zone at that moment, in the active language."""
    name = timezone.localtime(value).tzname() or ""
    return str(ZONE_NAMES.get(name, name))


@register.filter
def datetime_zone(value):
    """"Dec. 6, 2026, 10:15 a.m. MST" in English, "6 décembre 2026 10:15 HNR" in French: the date and time in the
    shop's time zone (settings.TIME_ZONE), and that zone's name."""
    if not value:
        return ""
    if timezone.is_naive(value):
        return formats.date_format(value, "DATETIME_FORMAT")
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {zone_name(local)}"
