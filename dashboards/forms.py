"""The date range every dashboard page reads from its query string (GET: bookmarkable, works without JavaScript).

A preset (today, 7 days, 30 days, this quarter, this year) is picked in the "Period" list; "Custom dates" uses the
From and To fields. Without JavaScript the form cannot tell which field a person touched, so it carries the period it
was shown with (`was`): dates typed while the list still shows the period that was displayed mean custom dates;
another choice in the list wins over the dates left in the fields.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from . import periods

EARLIEST = datetime.date(2000, 1, 1)


class RangeForm(forms.Form):
    range = forms.ChoiceField(label=_("Period"), choices=periods.PRESETS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          input_formats=["%Y-%m-%d"], help_text=_("Both days included. Used for custom dates."))
    by = forms.ChoiceField(label=_("Show by"), choices=periods.GRANULARITIES, required=False)
    was = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)

    def _edited_dates(self, preset: str, start, end) -> bool:
        """Dates typed while the list still shows the period displayed before."""
        try:
            was_preset, was_start, was_end = (self.cleaned_data.get("was") or "").split("|")
        except ValueError:
            return False
        return was_preset == preset and (str(start), str(end)) != (was_start, was_end)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        preset, start, end = data.get("range") or "", data.get("start"), data.get("end")
        if not preset:
            preset = periods.CUSTOM if (start or end) else periods.DEFAULT_PRESET
        if preset != periods.CUSTOM and start and end and self._edited_dates(preset, start, end):
            preset = periods.CUSTOM
        if preset == periods.CUSTOM:
            if not start or not end:
                raise forms.ValidationError(_("For custom dates, give both the first and the last day."))
            if start > end:
                raise forms.ValidationError(_("The first day must be on or before the last day."))
            if start < EARLIEST:
                raise forms.ValidationError(_("The first day must be in the year 2000 or later."))
            if (end - start).days + 1 > periods.MAX_DAYS:
                raise forms.ValidationError(_("Choose at most ten years."))
        else:
            start, end = periods.preset_dates(preset, self.today)
        granularity = data.get("by") or periods.AUTO
        if granularity == periods.AUTO:
            granularity = periods.auto_granularity((end - start).days + 1)
        elif periods.points_count(start, end, granularity) > periods.MAX_POINTS:
            raise forms.ValidationError(
                _("That would draw more than %(count)d points: show by week or by month for a range this long.")
                % {"count": periods.MAX_POINTS})
        data["period"] = periods.Period(start=start, end=end, preset=preset, granularity=granularity)
        return data


def range_form_initial(period: periods.Period, by: str) -> dict:
    """What the form shows for a period: its preset, its dates and the hidden record of both."""
    return {"range": period.preset, "start": period.start, "end": period.end, "by": by,
            "was": f"{period.preset}|{period.start}|{period.end}"}
