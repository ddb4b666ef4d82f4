"""Help: the FAQ staff write (by topic, in English and French), the questions visitors ask, and the FAQ searches
that found nothing.

- Topic and FaqEntry hold bilingual content (help/translation.py adds the _en and _fr columns; French falls back to
  English). Only published entries are shown; an entry published from a French question has only its French text
  until staff translate it, so the English FAQ leaves it out.
- A CustomerQuestion is one question from the ask form or the contact form: it is also an open Interaction on the
  asker's CRM contact. It moves new -> answered (the answer emailed) -> published (copied into the FAQ) or closed.
- A SearchMiss counts the FAQ searches that found nothing, one row per normalised query and language. Staff see the
  questions ranked by how often the same text comes up (questions + misses); publishing an answer resolves the
  misses of the same text.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NORMALISED_MAX = 200


def normalise_question(text: str) -> str:
    """The text two askers share when they ask the same thing: lower case, whitespace collapsed, at most 200
    characters (NUL characters, which Postgres refuses, removed)."""
    return " ".join(text.replace("\x00", "").split()).lower()[:NORMALISED_MAX].strip()


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))

    class Meta:
        verbose_name = _("FAQ topic")
        verbose_name_plural = _("FAQ topics")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name or self.slug


class FaqEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class FaqEntry(models.Model):
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), related_name="entries", on_delete=models.PROTECT)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    is_published = models.BooleanField(_("published"), default=True, db_index=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["topic__position", "position", "pk"]

    def __str__(self):
        return self.question or f"#{self.pk}"


class CustomerQuestion(models.Model):
    class Source(models.TextChoices):
        FAQ = "faq", _("FAQ ask form")
        SEARCH = "search", _("After a search that found nothing")
        CONTACT = "contact", _("Contact form")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        PUBLISHED = "published", _("Published in the FAQ")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    question = models.TextField(_("question"))
    normalised = models.CharField(_("normalised text"), max_length=NORMALISED_MAX, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FAQ)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    answer = models.TextField(_("answer"), blank=True,
                              help_text=_("Written to the asker, in their language. “Send answer” emails it."))
    emailed_answer = models.TextField(_("answer last emailed"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    faq_entry = models.ForeignKey(FaqEntry, verbose_name=_("published as"), null=True, blank=True,
                                  related_name="questions", on_delete=models.SET_NULL)
    contact = models.ForeignKey("crm.Contact", verbose_name=_("contact"), null=True, blank=True,
                                related_name="help_questions", on_delete=models.SET_NULL)
    interaction = models.OneToOneField("crm.Interaction", verbose_name=_("CRM interaction"), null=True, blank=True,
                                       related_name="help_question", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("customer question")
        verbose_name_plural = _("customer questions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["new", "answered", "published", "closed"]),
                                   name="help_question_status_valid"),
        ]

    def __str__(self):
        return self.subject or (self.question[:77] + "…" if len(self.question) > 80 else self.question)

    def save(self, *args, **kwargs):
        self.normalised = normalise_question(self.question)
        if kwargs.get("update_fields") is not None and "question" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalised"}
        super().save(*args, **kwargs)


class SearchMiss(models.Model):
    """FAQ searches that found nothing, counted per normalised query and language."""

    query = models.CharField(_("search"), max_length=NORMALISED_MAX)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    count = models.PositiveIntegerField(_("times searched"), default=1)
    first_seen = models.DateTimeField(_("first searched"), default=timezone.now)
    last_seen = models.DateTimeField(_("last searched"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True,
                                       help_text=_("When an FAQ answer was published for this text."))

    class Meta:
        verbose_name = _("FAQ search without results")
        verbose_name_plural = _("FAQ searches without results")
        ordering = ["-count", "-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["query", "language"], name="help_searchmiss_one_per_query"),
            models.CheckConstraint(condition=~Q(query=""), name="help_searchmiss_query_not_empty"),
        ]

    def __str__(self):
        return self.query
