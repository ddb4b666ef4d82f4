"""Newsletters (M2, M3) and the public sign-up (double opt-in).

- A Newsletter has a subject and one to three ordered blocks (text, a picture, product cards), each in English and
  French, and targets a crm.Segment. Its status moves draft -> scheduled -> sending <-> paused -> sent
  (newsletters.services.newsletter_transition holds the allowed moves).
- A NewsletterDelivery is one recipient: made for every member of the segment when sending starts, then claimed in
  batches with a lease (pending -> sending -> queued), the consent re-checked under the claim (skipped when it no
  longer counts), and its outbox email written in the same transaction that marks it queued: one delivery, one
  outbox row, at most. The outbox sends that row once (its own claim). A killed worker leaves claimed rows whose
  lease runs out; the next run takes them again.
- A SignUp is a visitor's request from the footer form; consent is recorded only when the emailed link is clicked.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BLOCKS = 3
MAX_PRODUCTS_PER_BLOCK = 3


class Newsletter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=150)
    subject_fr = models.CharField(_("subject (French)"), max_length=150, blank=True,
                                  help_text=_("Empty: French readers get the English subject."))
    segment = models.ForeignKey("crm.Segment", verbose_name=_("segment"), related_name="+",
                                on_delete=models.PROTECT,
                                help_text=_("Who receives it: only members whose consent for the segment's purpose "
                                            "counts when each batch is sent."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last batch"), null=True, blank=True, editable=False,
                                        help_text=_("When a worker last took a batch: a send with no batch for "
                                                    "longer than the lease is handed to a worker again."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey("auth.User", verbose_name=_("created by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "scheduled", "sending", "paused", "sent"]),
                                   name="newsletter_status_valid"),
            models.CheckConstraint(condition=~Q(status="scheduled") | Q(scheduled_at__isnull=False),
                                   name="newsletter_scheduled_has_time"),
        ]

    def __str__(self):
        return self.subject

    def subject_in(self, language: str) -> str:
        return (self.subject_fr if language == "fr" and self.subject_fr else self.subject)


def block_image_path(instance, filename):
    return f"newsletters/{timezone.now():%Y/%m}/{filename}"


class NewsletterBlock(models.Model):
    """One idea of the newsletter ("no more than two or three"): a text, a picture, or product cards."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        IMAGE = "image", _("Picture")
        PRODUCTS = "products", _("Product cards")

    newsletter = models.ForeignKey(Newsletter, verbose_name=_("newsletter"), related_name="blocks",
                                   on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TEXT)
    heading = models.CharField(_("heading"), max_length=150, blank=True)
    heading_fr = models.CharField(_("heading (French)"), max_length=150, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("Plain text; a blank line starts a new paragraph."))
    text_fr = models.TextField(_("text (French)"), blank=True)
    image = models.ImageField(_("picture"), upload_to=block_image_path, blank=True)
    image_alt = models.CharField(_("picture description"), max_length=200, blank=True,
                                 help_text=_("What the picture shows, for readers who cannot see it."))
    image_alt_fr = models.CharField(_("picture description (French)"), max_length=200, blank=True)
    products = models.ManyToManyField("catalog.Product", verbose_name=_("products"), blank=True, related_name="+",
                                      help_text=_("Up to three products shown as cards."))

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}"

    def in_language(self, field: str, language: str) -> str:
        french = getattr(self, f"{field}_fr") if language == "fr" else ""
        return french or getattr(self, field)


class DeliveryQuerySet(models.QuerySet):
    def claimable(self, *, now):
        """Rows a batch may take: pending, or claimed by a sender whose lease ran out (it died)."""
        return self.filter(Q(status=NewsletterDelivery.Status.PENDING)
                           | Q(status=NewsletterDelivery.Status.SENDING, claimed_until__lt=now))


class NewsletterDelivery(models.Model):
    """One recipient of one newsletter. status: pending -> sending (claimed until claimed_until) -> queued (its
    outbox email is written: the outbox sends it once) or skipped (consent no longer counts at send time)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        QUEUED = "queued", _("Handed to the outbox")
        SKIPPED = "skipped", _("Skipped: no consent at send time")
        FAILED = "failed", _("Failed")

    newsletter = models.ForeignKey(Newsletter, verbose_name=_("newsletter"), related_name="deliveries",
                                   on_delete=models.CASCADE)
    contact = models.ForeignKey("crm.Contact", verbose_name=_("contact"), related_name="+", on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    email = models.OneToOneField("outbox.OutboxEmail", verbose_name=_("email"), null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    language = models.CharField(_("language"), max_length=8, blank=True)
    queued_at = models.DateTimeField(_("handed to the outbox"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "contact"], name="newsletter_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "queued", "skipped", "failed"]),
                name="newsletter_delivery_status_valid"),
        ]
        indexes = [
            models.Index(fields=["newsletter", "status"], name="newsletter_delivery_status"),
        ]

    def __str__(self):
        return f"{self.newsletter_id} → {self.contact_id}"


class SignUp(models.Model):
    """A visitor asked for the newsletter in the footer form; nothing is consented until confirmed_at is set (the
    confirmation link was opened), which records the express consent with the wording shown."""

    email = models.EmailField(_("email"), db_index=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    wording_version = models.CharField(_("wording version"), max_length=20)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter sign-up")
        verbose_name_plural = _("newsletter sign-ups")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.email
