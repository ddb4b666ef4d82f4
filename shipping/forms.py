"""Validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, ProductVariant


class BackInStockForm(forms.Form):
    variant = forms.ModelChoiceField(
        queryset=ProductVariant.objects.filter(is_active=True, product__in=Product.objects.online())
        .select_related("product"),
        error_messages={"invalid_choice": _("That product is not sold online."),
                        "required": _("That product is not sold online.")},
    )
    email = forms.EmailField(
        label=_("Your email"), max_length=254,
        error_messages={"required": _("Please enter your email address."),
                        "invalid": _("Please enter a valid email address, such as ana@example.com.")},
    )
