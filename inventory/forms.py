from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import ProductVariant

from .locations import StockLocation


class SkuField(forms.CharField):
    """A SKU typed or scanned at the counter, turned into the variant it names."""

    default_error_messages = {"unknown": _("No product has the SKU “%(sku)s”.")}

    def clean(self, value):
        sku = super().clean(value).strip()
        variant = ProductVariant.objects.select_related("product").filter(sku__iexact=sku).first()
        if variant is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"sku": sku})
        return variant


def _locations():
    return StockLocation.objects.active()


class StockOperationForm(forms.Form):
    variant = SkuField(label=_("SKU"), max_length=64)
    location = forms.ModelChoiceField(label=_("Location"), queryset=_locations(), empty_label=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False,
                                help_text=_("Till receipt, delivery note, purchase order…"))
    reason = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


def _unit_price_field():
    return forms.DecimalField(
        label=_("Price per unit (CAD, before taxes)"), max_digits=12, decimal_places=2, min_value=0, required=False,
        help_text=_("What the customer paid for one unit. Leave empty to record the catalogue price."),
    )


class InStoreSaleForm(StockOperationForm):
    title = _("Record an in-store sale")
    unit_price = _unit_price_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations().filter(kind=StockLocation.Kind.STORE)
        self.fields["location"].label = _("Store")


class ReceiptForm(StockOperationForm):
    title = _("Record a receipt from a supplier")


class ReturnForm(StockOperationForm):
    title = _("Record a return to stock")


class TransferForm(forms.Form):
    title = _("Record a transfer between locations")

    variant = SkuField(label=_("SKU"), max_length=64)
    source = forms.ModelChoiceField(label=_("From"), queryset=_locations(), empty_label=None)
    destination = forms.ModelChoiceField(label=_("To"), queryset=_locations(), empty_label=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    reason = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("destination"):
            self.add_error("destination", _("Choose a location different from the source."))
        return data


class CorrectionForm(forms.Form):
    title = _("Record a count correction")

    variant = SkuField(label=_("SKU"), max_length=64)
    location = forms.ModelChoiceField(label=_("Location"), queryset=_locations(), empty_label=None)
    counted = forms.IntegerField(
        label=_("Units counted on the shelf"), min_value=0, max_value=1_000_000,
        error_messages={"min_value": _("A count cannot be negative."),
                        "invalid": _("Enter the number of units counted, as a whole number.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             help_text=_("Why the count differs, e.g. damaged, lost, found."))


class ApiMovementForm(forms.Form):
    """What a point-of-sale system sends to record a sale, a return or a receipt."""

    KINDS = {"in_store_sale", "return", "receipt"}

    kind = forms.ChoiceField(choices=[(k, k) for k in sorted(KINDS)])
    sku = SkuField(max_length=64)
    location = forms.ModelChoiceField(queryset=_locations(), to_field_name="code",
                                      error_messages={"invalid_choice": _("No active location has that code.")})
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000)
    reference = forms.CharField(max_length=64, required=False)
    reason = forms.CharField(max_length=255, required=False)
    unit_price = _unit_price_field()  # in-store sales only; the catalogue price when not sent

    def clean(self):
        data = super().clean()
        if data.get("unit_price") is not None and data.get("kind") != "in_store_sale":
            self.add_error("unit_price", _("A price per unit is recorded with in-store sales only."))
        return data
