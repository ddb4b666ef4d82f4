from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.locations import StockLocation


class ReceiveForm(forms.Form):
    """Units received now on each line still expected, and where they were received."""

    location = forms.ModelChoiceField(label=_("Received at"), queryset=StockLocation.objects.active())

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["location"].initial = order.location_id
        self.line_fields = []
        for line in order.lines.select_related("variant__product").order_by("pk"):
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Received now: %(sku)s") % {"sku": line.variant.sku}, min_value=0, initial=0,
                required=False)
            self.line_fields.append((line, name))

    @property
    def line_rows(self):
        return [(line, self[name]) for line, name in self.line_fields]

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(name) or 0 for line, name in self.line_fields}
