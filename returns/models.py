"""Returns: the customer asks (which units, why) within the return window; staff approve or refuse, receive the
goods, put each line back on the shelf or write it off (both are ledger lines), and refund through payments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved: send the items back")
        REFUSED = "refused", _("Refused")
        RECEIVED = "received", _("Items received")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), related_name="returns",
                              on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(_("reason"), max_length=2000)
    staff_note = models.CharField(_("note to the customer"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    refund = models.ForeignKey("payments.Refund", verbose_name=_("refund"), null=True, blank=True,
                               related_name="+", on_delete=models.PROTECT)
    credit_note = models.ForeignKey("payments.CreditNote", verbose_name=_("credit without money back"), null=True,
                                    blank=True, related_name="+", on_delete=models.PROTECT)
    refund_amount = MoneyField(_("refunded or credited"), null=True,
                                        blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.order} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.REFUSED, self.Status.REFUNDED)


class ReturnLine(models.Model):
    class Outcome(models.TextChoices):
        RESTOCK = "restock", _("Back on the shelf")
        WRITE_OFF = "write_off", _("Written off (damaged)")

    request = models.ForeignKey(ReturnRequest, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey("orders.OrderLine", related_name="return_lines", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    location = models.ForeignKey("inventory.StockLocation", verbose_name=_("received at"), null=True, blank=True,
                                 related_name="+", on_delete=models.PROTECT)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} × {self.order_line_id}"
