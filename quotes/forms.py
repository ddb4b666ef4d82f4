"""Validation only: the customer's request form and the staff's reply in the admin."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .models import MAX_QUANTITY, Quote
from .services import Attachment

SPECIFICS_MAX = 5000


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")


def attachment_kind(upload) -> str | None:
    """"pdf", "png" or "jpeg" from the file's content (whatever its name says), else None. PDFs by their magic
    number; pictures by Pillow, which also checks the data is a whole picture."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    try:
        with Image.open(upload) as picture:
            kind = picture.format
            picture.verify()
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, OSError, SyntaxError, DecompressionBomb...)
        return None
    finally:
        upload.seek(0)
    return {"PNG": "png", "JPEG": "jpeg"}.get(kind)


class QuoteRequestForm(BootstrapForm):
    variant = forms.TypedChoiceField(label=_("Option"), coerce=int, required=False)
    specifics = forms.CharField(
        label=_("What would you like?"), max_length=SPECIFICS_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sizes, materials, finish, colours: anything that matters to you."),
        error_messages={"required": _("Please describe what you would like.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1,
                                  error_messages={"required": _("Please give a quantity.")})
    wanted_on = forms.DateField(label=_("Wanted by"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                help_text=_("Leave empty if there is no deadline."))
    name = forms.CharField(label=_("Your name"), max_length=120,
                           error_messages={"required": _("Please tell us your name.")})
    email = forms.EmailField(label=_("Your email"), max_length=254, help_text=_("We email the quote to this address."),
                             error_messages={"required": _("Please give an email address for the quote.")})
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    attachment = forms.FileField(
        label=_("Drawing or photo"), required=False,
        help_text=_("Optional: a PDF, PNG or JPEG file of up to %(size)s.") % {
            "size": filesizeformat(settings.SHOP_QUOTE_ATTACHMENT_MAX_BYTES)},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, variants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.variants = {variant.pk: variant for variant in variants}
        if len(self.variants) > 1:
            self.fields["variant"].required = True
            self.fields["variant"].choices = [(v.pk, v.label or v.sku) for v in variants]
        else:
            del self.fields["variant"]
        self.fields["attachment"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"

    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean_specifics(self):
        return self.cleaned_data["specifics"].replace("\x00", "").strip()

    def clean_wanted_on(self):
        wanted = self.cleaned_data.get("wanted_on")
        if wanted is not None and wanted < timezone.localdate():
            raise forms.ValidationError(_("The date you want it by cannot be in the past."))
        return wanted

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > settings.SHOP_QUOTE_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too big (%(size)s): please send one of up to %(limit)s.") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(settings.SHOP_QUOTE_ATTACHMENT_MAX_BYTES)})
        kind = attachment_kind(upload)
        if kind is None:
            raise forms.ValidationError(_("Please attach a PDF, PNG or JPEG file (this one is not, whatever its "
                                          "name says)."))
        return Attachment(file=upload, kind=kind, original_name=upload.name or "")

    def chosen_variant(self):
        if "variant" in self.fields:
            return self.variants.get(self.cleaned_data.get("variant"))
        return next(iter(self.variants.values()), None)

    def clean(self):
        cleaned = super().clean()
        if "variant" in self.fields and "variant" in cleaned and cleaned["variant"] not in self.variants:
            self.add_error("variant", _("Please choose an option."))
        return cleaned


CENT = Decimal("0.01")


class QuoteReplyAdminForm(forms.ModelForm):
    """The staff's reply: a unit price or a total for the quantity asked, the lead time, the validity date and a
    message. "Send quote" (_send_quote) needs them all; a plain save keeps them as a draft."""

    total = forms.DecimalField(label=_("or total (CAD)"), required=False, min_value=0, max_digits=12,
                               decimal_places=2, help_text=_("For the whole quantity; the unit price is worked out "
                                                             "from it."))

    class Meta:
        model = Quote
        fields = ["unit_price", "total", "lead_time_days", "valid_until", "message"]

    def clean(self):
        cleaned = super().clean()
        unit, total = cleaned.get("unit_price"), cleaned.get("total")
        quantity = self.instance.quantity or 1
        if unit is not None and total is not None and unit * quantity != total:
            self.add_error("total", _("Give a unit price or a total, not both (or make them agree)."))
        elif unit is None and total is not None:
            unit = (total / quantity).quantize(CENT, rounding=ROUND_HALF_UP)
            if unit * quantity != total:
                self.add_error("total", _("%(total)s does not divide into %(quantity)d equal prices to the cent: "
                                          "give a unit price instead.") % {"total": total, "quantity": quantity})
            else:
                cleaned["unit_price"] = unit
        if "_send_quote" in self.data:
            if cleaned.get("unit_price") is None and not self.has_error("total"):
                self.add_error("unit_price", _("Give a unit price or a total before sending the quote."))
            if cleaned.get("lead_time_days") is None:
                self.add_error("lead_time_days", _("Give the lead time before sending the quote."))
            valid_until = cleaned.get("valid_until")
            if valid_until is None:
                self.add_error("valid_until", _("Give the date until which the price holds."))
            elif valid_until < timezone.localdate():
                self.add_error("valid_until", _("The quote must be valid until today or later."))
        return cleaned
