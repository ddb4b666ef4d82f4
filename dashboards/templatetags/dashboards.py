"""Formatting for the dashboards (figures by kind, changes with their sign) and the test the admin's header link
uses."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.money import money
from staff.roles import MANAGER_SPECIAL

from .. import tables as t

register = template.Library()



@register.filter
def may_read_dashboards(user) -> bool:
    """The admin header's link (templates/admin/base_site.html), on every admin page, without a query: a superuser,
    or a member holding the Managers' own permissions (staff.roles.MANAGER_SPECIAL), which the admin's checks have
    already loaded. The pages themselves still ask whether the user is in the group (dashboards.access)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or all(user.has_perm(name) for name in MANAGER_SPECIAL)


DASH = "—"


@register.filter
def dash_value(value, kind):
    """A figure as the page shows it: $1,234.50, 12.5 h, 87.5 %, a date, 1,234."""
    if value is None or value == "":
        return DASH
    if kind == t.MONEY:
        return money(value)
    if kind == t.HOURS:
        return f"{floatformat(value, 1)} h"
    if kind == t.PERCENT:
        return f"{floatformat(value, 1)} %"
    if kind == t.DATE:
        return formats.date_format(value, "DATE_FORMAT")
    if kind == t.INT:
        return intcomma(value)
    if kind == t.DECIMAL:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if kind == t.DATETIME:
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return value


@register.filter
def dash_change(figure):
    """"+$12.00 (+5.0 %)", "−3", "no change"; a dash when there is nothing to compare."""
    change = figure.change
    if change is None:
        return DASH
    sign = "+" if change > 0 else ""
    if figure.kind == t.PERCENT:  # a share moves by percentage points
        return _("%(change)s pts") % {"change": f"{sign}{floatformat(change, 1)}"}
    text = f"{sign}{dash_value(change, figure.kind)}"
    if figure.kind == t.MONEY and change > 0:
        text = f"+{money(change)}"
    percent = figure.change_percent
    if percent is not None:
        text += f" ({'+' if percent > 0 else ''}{floatformat(percent, 1)} %)"
    return text


@register.filter
def dash_direction(figure) -> str:
    """up, down or same: a class for the change's colour (the sign says it in text too)."""
    change = figure.change
    if change is None or change == 0 or change == Decimal(0):
        return "same"
    return "up" if change > 0 else "down"
