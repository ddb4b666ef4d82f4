"""What the whole shop shares: who the seller is, as invoices, credit notes, statements and the emails' legal footer
print it. Set once by staff (a single row, core.admin); core.identity reads it for every app."""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Canada Revenue Agency business number + GST/HST program account: nine digits, "RT" and four digits.
GST_HST_NUMBER = r"^\s*\d{9}\s*RT\s*\d{4}\s*$"
# Revenu Québec QST registration: ten digits, "TQ" and four digits.
QST_NUMBER = r"^\s*\d{10}\s*TQ\s*\d{4}\s*$"


def registration_clean(value: str) -> str:
    """The number as printed: digits, one space, the program letters and their four digits (123456789 RT0001)."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = re.match(r"^(\d+)([A-Z]{2})(\d{4})$", compact)
    return f"{match[1]} {match[2]}{match[3]}" if match else (value or "").strip().upper()


class SellerIdentity(models.Model):
    """The shop's legal identity. One row only (the database refuses a second): see core.identity.seller_identity."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200,
                                  help_text=_("As registered, e.g. “Comptoir Inc.”: printed on invoices."))
    operating_name = models.CharField(_("operating name"), max_length=200, blank=True,
                                      help_text=_("The name customers know, if different from the legal name."))
    address = models.TextField(_("postal address"), help_text=_("Street, city, province, postal code, one per line."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    gst_hst_number = models.CharField(
        _("GST/HST registration number"), max_length=20,
        validators=[RegexValidator(GST_HST_NUMBER, flags=re.IGNORECASE,
                                   message=_("Enter nine digits, RT and four digits, e.g. 123456789 RT0001."))],
        help_text=_("Nine digits, RT and four digits, e.g. 123456789 RT0001."))
    qst_number = models.CharField(
        _("QST registration number"), max_length=20, blank=True,
        validators=[RegexValidator(QST_NUMBER, flags=re.IGNORECASE,
                                   message=_("Enter ten digits, TQ and four digits, e.g. 1234567890 TQ0001."))],
        help_text=_("Ten digits, TQ and four digits, e.g. 1234567890 TQ0001: printed on invoices for a delivery "
                    "to Quebec."))
    logo = models.ImageField(_("logo"), upload_to="seller/", blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("seller identity")
        verbose_name_plural = _("seller identity")
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="seller_identity_single_row")]

    def __str__(self):
        return self.operating_name or self.legal_name

    def clean(self):
        """The numbers as printed (the validators accept them in any case, with or without spaces)."""
        self.gst_hst_number = registration_clean(self.gst_hst_number)
        self.qst_number = registration_clean(self.qst_number) if self.qst_number else ""

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]
