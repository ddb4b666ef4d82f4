import re

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from orders.postal import postal_code_clean, postal_code_mismatch

from .models import Address

PHONE_ERROR = _("Enter a 10-digit Canadian phone number, e.g. 403-555-0101.")
TOO_LONG = _("Keep this to %(limit_value)d characters or fewer (it has %(show_value)d).")


def canadian_phone(raw: str) -> str:
    """'(403) 555.0101', '+1 403 555 0101' -> '403-555-0101'; '' stays ''; anything else is refused."""
    raw = raw.strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s\-.()]", "", raw)
    if digits.startswith("+1"):
        digits = digits[2:]
    elif digits.startswith("1") and len(digits) == 11:
        digits = digits[1:]
    if not re.fullmatch(r"\d{10}", digits):
        raise forms.ValidationError(PHONE_ERROR, code="phone")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def text(label, max_length, required=True, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"max_length": TOO_LONG}, **kwargs)


class ProfileForm(forms.Form):
    first_name = text(_("First name"), 150, required=False)
    last_name = text(_("Last name"), 150, required=False)
    phone = text(_("Phone"), 30, required=False, help_text=_("For example 403-555-0101."))
    phone_alt = text(_("Other phone"), 30, required=False)
    company = text(_("Company"), 200, required=False)

    def clean_phone(self):
        return canadian_phone(self.cleaned_data["phone"])

    def clean_phone_alt(self):
        return canadian_phone(self.cleaned_data["phone_alt"])


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (email and password twice) with the customer's name first, so the shop greets them by it
    (allauth's adapter.save_user stores first_name and last_name on the user)."""

    first_name = text(_("First name"), 150, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = text(_("Last name"), 150, required=False, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the labels say it; the shop's forms have no placeholders
            field.widget.attrs.pop("placeholder", None)


class AddressForm(forms.ModelForm):
    """The same postal-code rule as checkout (checkout.forms.CheckoutForm): Canadian, and in the province chosen."""

    class Meta:
        model = Address
        fields = ["label", "name", "street", "city", "province", "postal_code", "phone", "is_default"]
        help_texts = {"postal_code": _("For example T2P 1J9.")}
        error_messages = {name: {"max_length": TOO_LONG} for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].max_length = 10  # "t2p1j9 " typed loosely; stored normalised in 7
        self.fields["postal_code"].widget.attrs["maxlength"] = 10
        self.fields["phone"].max_length = 30
        self.fields["phone"].widget.attrs["maxlength"] = 30
        self.fields["phone"].help_text = _("For example 403-555-0101.")

    def clean_postal_code(self):
        return postal_code_clean(self.cleaned_data["postal_code"])

    def clean_phone(self):
        return canadian_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        mismatch = postal_code_mismatch(data.get("postal_code"), data.get("province"))
        if mismatch:
            self.add_error("postal_code", mismatch)
        return data
