"""Links to payments' staff pages, for the pages that show a payment: the payments list here, and the order's page
(checkout.admin)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Payment


def payment_refund_link(payment: Payment) -> str:
    """The way to the refund form, for a payment that received money."""
    if payment.status != Payment.Status.SUCCEEDED:
        return ""
    return format_html('<a href="{}">{}</a>', reverse("admin:payments_payment_refund", args=[payment.pk]),
                       _("Refund…"))
