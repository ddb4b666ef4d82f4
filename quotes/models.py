"""Quote requests for made-to-order products (catalog.Product.made_to_order).

A customer asks (specifics, quantity, wanted date, an optional drawing or photo); staff reply in the admin with a
unit price, a lead time and a validity date, which emails the customer a signed link (quotes.links). From that link
the customer accepts: checkout puts the quoted line into their cart at the quoted price, and placing the order marks
the quote "ordered". Status moves only through quotes.services (ALLOWED_MOVES), each move a line of the customer's
CRM timeline.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField

MAX_QUANTITY = 999


def attachment_path(instance, filename):
    """quotes/<random>/<name>, in the private storage (settings.PRIVATE_MEDIA_ROOT, no URL): the file is only handed
    out by quotes.views, to staff and the requester."""
    return f"quotes/{uuid.uuid4().hex}/{filename}"


def private_storage():
    return storages["private"]


class Quote(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        QUOTED = "quoted", _("Quoted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        ORDERED = "ordered", _("Ordered")

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), related_name="quotes",
                                on_delete=models.PROTECT)
    variant = models.ForeignKey("catalog.ProductVariant", verbose_name=_("option (SKU)"), related_name="+",
                                on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer account"), null=True, blank=True,
                             related_name="quotes", on_delete=models.SET_NULL)
    contact = models.ForeignKey("crm.Contact", verbose_name=_("contact"), null=True, blank=True,
                                related_name="quotes", on_delete=models.SET_NULL)
    language = models.CharField(_("language"), max_length=8, default="en")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    specifics = models.TextField(_("what the customer wants"))
    quantity = models.PositiveIntegerField(_("quantity"),
                                           validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)])
    wanted_on = models.DateField(_("wanted by"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, storage=private_storage, max_length=255,
                                  blank=True)
    attachment_name = models.CharField(_("attachment's name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("attachment's type"), max_length=40, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    unit_price = MoneyField(_("unit price (CAD)"), null=True, blank=True,
                            validators=[MinValueValidator(Decimal("0.00"))])
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True,
                                                 validators=[MaxValueValidator(3650)])
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    message = models.TextField(_("message to the customer"), blank=True,
                               help_text=_("Written in the customer's language (shown above)."))
    quoted_at = models.DateTimeField(_("quoted"), null=True, blank=True)
    quoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("quoted by"), null=True, blank=True,
                                  related_name="+", on_delete=models.SET_NULL)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("declined or expired"), null=True, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True, related_name="+",
                              on_delete=models.SET_NULL)
    ordered_at = models.DateTimeField(_("ordered"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="quote_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0) | Q(unit_price__isnull=True),
                                   name="quote_price_not_negative"),
            # Past "requested" (or a request declined unanswered), a quote has its price and validity.
            models.CheckConstraint(
                condition=Q(status__in=["requested", "declined"])
                | Q(unit_price__isnull=False, valid_until__isnull=False),
                name="quote_priced_when_quoted",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.product}"

    @property
    def reference(self) -> str:
        return f"Q-{self.pk}" if self.pk else "Q-?"

    @property
    def total(self) -> Decimal | None:
        return None if self.unit_price is None else self.unit_price * self.quantity

    @property
    def is_past_validity(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()
