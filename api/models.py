"""What the API remembers of a write: the answer to each Idempotency-Key, so that a retried request does nothing
twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One write sent through the API with an ``Idempotency-Key`` header, by one user.

    Written (without a status) before the write runs, so that the same key sent again while it runs is told to wait;
    completed with the answer's status and body once the write succeeded. A failed write leaves nothing behind: it
    changed nothing, so the client may send it again, corrected, with the same key. Kept
    settings.SHOP_API_IDEMPOTENCY_HOURS (24 h), then deleted by the "api-idempotency-purge" job.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), related_name="+",
                             on_delete=models.CASCADE)
    key = models.CharField(_("idempotency key"), max_length=64)
    # SHA-256 of the method, the path and the JSON body (keys sorted): the same key for another request is refused.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True)
    body = models.JSONField(_("answer body"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("API idempotency key")
        verbose_name_plural = _("API idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.key} ({self.user_id})"
