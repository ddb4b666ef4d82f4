"""The cart's and checkout's forms."""

from django import forms
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from orders.models import DeliveryMethod, Order, Province
from orders.postal import postal_code_clean, postal_code_mismatch

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


def pickup_note(options, language: str) -> str:
    """Why a store pickup is ready on the day its option says: the order is prepared from the stock that ships online
    (the warehouse's), then brought to the store (the method's days). "" when no pickup is offered."""
    from django.utils import formats, translation

    pickups = [option for option in options if option.method.kind == DeliveryMethod.Kind.PICKUP]
    if not pickups:
        return ""
    with translation.override(language):
        day = formats.date_format(min(o.promise.ships_on for o in pickups),
                                  "l j F" if language.startswith("fr") else "l, F j")
        return str(_("Store pickup: we prepare your order on %(day)s and bring it to the store by the day shown. We "
                     "email you when it is ready to collect.") % {"day": day})


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

    ADDRESS_CHECKED = ("ship_province", "ship_postal_code")

    def __init__(self, *args, language: str = "en", payment_methods: list[str] | None = None,
                 options: list | None = None, address_only: bool = False, **kwargs):
        """`address_only`: "Show delivery options" was pressed: only the postal code and province are checked (the
        rest of the form is not filled in yet)."""
        super().__init__(*args, **kwargs)
        self.address_only = address_only
        self.language = language
        field = self.fields["delivery_method"]
        field.label_from_instance = lambda m: m.label(language)
        if options is not None:
            self.offer(options)
        allowed = payment_methods or [Order.PaymentMethod.CHEQUE]
        self.fields["payment_method"].choices = [c for c in Order.PaymentMethod.choices if c[0] in allowed]
        self.fields["payment_method"].initial = self.initial.get("payment_method") or allowed[0]
        if Order.PaymentMethod.ACCOUNT not in allowed:
            del self.fields["purchase_order_number"]

    def clean_purchase_order_number(self):
        return " ".join(self.cleaned_data["purchase_order_number"].split())

    def offer(self, options: list) -> None:
        """Only what serves this address, each with its price and dates (shipping.services.rates), soonest first.
        Called before the form is validated."""
        field = self.fields["delivery_method"]
        self.options = {option.method.pk: option for option in options}
        soonest_first = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(self.options)])
        field.queryset = field.queryset.filter(pk__in=self.options).order_by(soonest_first)
        field.label_from_instance = lambda m: delivery_option_label(self.options[m.pk], self.language)
        field.help_text = pickup_note(options, self.language)

    def delivery_address(self) -> tuple[str, str]:
        """(province, postal code) to price deliveries for, from what was typed (or the initial values); safe before
        validation. When "Show delivery options" was pressed, nothing is priced for a postal code that is not
        Canadian or not in the province: ("", ""), and the form says why. Otherwise (the whole form sent) the
        options of the province typed stay listed next to the form's errors, the shopper's choice kept."""
        source = self.data if self.is_bound else self.initial
        province = str(source.get("ship_province") or "").strip().upper()
        province = province if province in Province.values else ""
        raw = str(source.get("ship_postal_code") or "")
        if not self.address_only:
            return province, raw.strip().upper().replace(" ", "")
        try:
            code = postal_code_clean(raw)
        except forms.ValidationError:
            return "", ""
        return ("", "") if postal_code_mismatch(code, province) else (province, code.replace(" ", ""))

    def full_clean(self):
        super().full_clean()
        if self.address_only:  # the other fields are filled in after the delivery options are shown
            for name in [name for name in self.errors if name not in self.ADDRESS_CHECKED]:
                del self.errors[name]

    def clean_ship_postal_code(self):
        return postal_code_clean(self.cleaned_data["ship_postal_code"])

    def clean(self):
        data = super().clean()
        if data.get("payment_method") == Order.PaymentMethod.ACCOUNT and not data.get("purchase_order_number"):
            self.add_error("purchase_order_number", _("Give your purchase order number to pay on account."))
        # An address typed is checked even for a pickup (it goes into the customer's record).
        mismatch = postal_code_mismatch(data.get("ship_postal_code"), data.get("ship_province"))
        if mismatch:
            self.add_error("ship_postal_code", mismatch)
        delivery = data.get("delivery_method")
        if delivery is None or delivery.kind == DeliveryMethod.Kind.PICKUP:
            return data
        for name in ("ship_address", "ship_city", "ship_province", "ship_postal_code"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Needed to deliver your order."))
        return data
