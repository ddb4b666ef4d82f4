"""Validation only: the customer's return form and the staff's forms for each step."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.french import elide
from inventory.locations import StockLocation

from .models import ReturnLine, ReturnRequest
from .selectors import ReturnableLine

REASON_MAX = ReturnRequest._meta.get_field("reason").max_length
NOTE_MAX = ReturnRequest._meta.get_field("staff_note").max_length
CENT = Decimal("0.01")


class ReturnRequestForm(forms.Form):
    """One quantity per returnable line (named line_<order line id>) and the reason. How many units may be returned
    is the service's rule: the maximum is only shown to the browser, so the service's message explains it."""

    reason = forms.CharField(
        label=_("Why are you returning these items?"), max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REASON_MAX}),
        error_messages={"required": _("Please tell us why you are returning these items.")},
    )

    def __init__(self, *args, rows: list[ReturnableLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.field_name(row)] = forms.IntegerField(
                label=elide(_("Units of %(name)s to return") % {"name": row.line.name}), min_value=0, initial=0,
                required=False, widget=forms.NumberInput(attrs={"min": 0, "max": row.returnable}),
                error_messages={"invalid": _("Enter a whole number of units.")},
            )
        self.order_fields([self.field_name(row) for row in rows] + ["reason"])

    @staticmethod
    def field_name(row: ReturnableLine) -> str:
        return f"line_{row.line.pk}"

    def line_fields(self):
        """(row, bound field) per returnable line, for the template's table."""
        return [(row, self[self.field_name(row)]) for row in self.rows]

    def quantities(self) -> dict[int, int]:
        return {row.line.pk: self.cleaned_data.get(self.field_name(row)) or 0 for row in self.rows}


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note to the customer (optional)"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("E.g. how to pack and where to send the items. Sent by email."))


class RefuseForm(forms.Form):
    note = forms.CharField(label=_("Why the return is refused"), max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Sent to the customer by email."))


class ReceiveForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Received at"), queryset=StockLocation.objects.active())

    def __init__(self, *args, lines: list[ReturnLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"outcome_{line.pk}"] = forms.ChoiceField(
                label=f"{line.quantity} × {line.order_line.name}", choices=ReturnLine.Outcome.choices,
                widget=forms.RadioSelect, initial=ReturnLine.Outcome.RESTOCK)

    def outcomes(self) -> dict[int, str]:
        return {line.pk: self.cleaned_data[f"outcome_{line.pk}"] for line in self.lines}


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund (CAD)"), max_digits=12, decimal_places=2, min_value=CENT,
                                help_text=_("The returned items and their taxes; shipping is not refunded."))
