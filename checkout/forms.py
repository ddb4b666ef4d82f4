"""The cart's and checkout's forms."""

from django import forms
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from orders.models import DeliveryMethod, Order, Province
from orders.postal import POSTAL_CODE, POSTAL_PREFIXES

from .services.cart import BIGINT_MAX, MAX_QUANTITY


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1,
        error_messages={"invalid": _("Enter a whole number of items.")},
    )


class CartLineForm(forms.Form):
    variant = forms.IntegerField(min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY,
        error_messages={"invalid": _("Enter a whole number of items.")},
    )


class RemoveFromCartForm(forms.Form):
    variant = forms.IntegerField(min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput)


class CouponForm(forms.Form):
    code = forms.CharField(label=_("Discount code"), max_length=40, strip=True,
                           error_messages={"required": _("Please enter a discount code."),
                                           "max_length": _("That is not one of our discount codes.")},
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "autocomplete": "off",
                                                         "autocapitalize": "characters",
                                                         "spellcheck": "false"}))


def delivery_option_label(option, language: str) -> str:
    """"Purolator Ground — $14.80 — arrives by Tuesday, December 1" (handling included in the price shown)."""
    from django.utils import formats, translation

    from core.money import money

    with translation.override(language):
        day = formats.date_format(option.promise.arrives_on, "l j F" if language.startswith("fr") else "l, F j")
        if option.method.kind == DeliveryMethod.Kind.PICKUP:
            when = _("ready by %(day)s") % {"day": day}
        else:
            when = _("arrives by %(day)s") % {"day": day}
        price = money(option.total) if option.total else _("free")
        return f"{option.method.label(language)} — {price} — {when}"


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254, help_text=_("We send the order confirmation here."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    ship_name = forms.CharField(label=_("Full name"), max_length=120)
    delivery_method = forms.ModelChoiceField(
        label=_("Delivery"), queryset=DeliveryMethod.objects.filter(is_active=True), empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("This delivery option does not serve that address. Please choose one "
                                            "of the options listed."),
                        "required": _("Please choose how you want your order delivered.")},
    )
    ship_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    ship_city = forms.CharField(label=_("City"), max_length=100, required=False)
    ship_province = forms.ChoiceField(label=_("Province or territory"), choices=[("", "—")] + Province.choices,
                                      required=False)
    ship_postal_code = forms.CharField(label=_("Postal code"), max_length=7, required=False,
                                       help_text=_("For example T2P 1J9."))
    payment_method = forms.ChoiceField(label=_("Payment"), choices=Order.PaymentMethod.choices,
                                       widget=forms.RadioSelect)
    purchase_order_number = forms.CharField(
        label=_("Purchase order number"), max_length=40, required=False,
        help_text=_("Needed to pay on account; printed on your invoice."),
    )

    def __init__(self, *args, language: str = "en", payment_methods: list[str] | None = None,
                 options: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["delivery_method"]
        if options is not None:
            # Only what serves this address, each with its price and dates (shipping.services.rates).
            self.options = {option.method.pk: option for option in options}
            soonest_first = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(self.options)])
            field.queryset = field.queryset.filter(pk__in=self.options).order_by(soonest_first)
            field.label_from_instance = lambda m: delivery_option_label(self.options[m.pk], language)
        else:
            field.label_from_instance = lambda m: m.label(language)
        allowed = payment_methods or [Order.PaymentMethod.CHEQUE]
        self.fields["payment_method"].choices = [c for c in Order.PaymentMethod.choices if c[0] in allowed]
        self.fields["payment_method"].initial = self.initial.get("payment_method") or allowed[0]
        if Order.PaymentMethod.ACCOUNT not in allowed:
            del self.fields["purchase_order_number"]

    def clean_purchase_order_number(self):
        return " ".join(self.cleaned_data["purchase_order_number"].split())

    def clean_ship_postal_code(self):
        raw = self.cleaned_data["ship_postal_code"].strip().upper()
        if not raw:
            return ""
        match = POSTAL_CODE.match(raw)
        if match is None:
            raise forms.ValidationError(_("Enter a Canadian postal code such as T2P 1J9."))
        return f"{match.group(1)} {match.group(2)}"

    def clean(self):
        data = super().clean()
        if data.get("payment_method") == Order.PaymentMethod.ACCOUNT and not data.get("purchase_order_number"):
            self.add_error("purchase_order_number", _("Give your purchase order number to pay on account."))
        delivery = data.get("delivery_method")
        if delivery is None or delivery.kind == DeliveryMethod.Kind.PICKUP:
            return data
        for name in ("ship_address", "ship_city", "ship_province", "ship_postal_code"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Needed to deliver your order."))
        code, province = data.get("ship_postal_code"), data.get("ship_province")
        if code and province and province not in POSTAL_PREFIXES.get(code[0], set()):
            self.add_error("ship_postal_code",
                           _("This postal code is not in %(province)s.") % {"province": Province(province).label})
        return data
