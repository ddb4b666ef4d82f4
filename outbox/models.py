from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmailQuerySet(models.QuerySet):
    def due(self, *, now, created_before):
        """Rows a sweep should send: pending ones old enough and past their back-off, or abandoned claims."""
        pending = Q(status=OutboxEmail.Status.PENDING, created_at__lte=created_before) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        abandoned = Q(status=OutboxEmail.Status.SENDING, claimed_until__lt=now)
        return self.filter(pending | abandoned)


class OutboxEmail(models.Model):
    """One email to send. Written in the transaction that decides to send it, so it commits or rolls back with it.

    status moves pending -> sending (claimed, with a lease in claimed_until) -> sent; a failed attempt goes back to
    pending with next_attempt_at set (back-off), and to failed after the last allowed attempt.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    text_body = models.TextField(_("text body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    reference = models.CharField(_("reference"), max_length=64, blank=True, db_index=True,
                                 help_text=_("What the email is about, e.g. an order number."))
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # Files sent with the email (an invoice's PDF): a list of {"name", "content_type", "base64"}; see
    # outbox.services.attachment.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True,
                                         help_text=_("While sending: when the sender's lease runs out."))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True,
                                           help_text=_("After a failed attempt: not retried before this time."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status__in=["pending", "sending"]),
                         name="outbox_unsent_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                                   name="outbox_status_valid"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outbox_sent_at_only_when_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
