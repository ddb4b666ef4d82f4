"""What staff publish about the business: store opening hours, content pages (about us, investors, suppliers,
partners, press) and news. Titles, summaries and bodies are bilingual (pages/translation.py); bodies are plain text
shown with paragraphs, never raw HTML."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _


class StoreHours(models.Model):
    """The opening hours of one store on one day of the week (0 = Monday … 6 = Sunday)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, WEEKDAYS[0]
        TUESDAY = 1, WEEKDAYS[1]
        WEDNESDAY = 2, WEEKDAYS[2]
        THURSDAY = 3, WEEKDAYS[3]
        FRIDAY = 4, WEEKDAYS[4]
        SATURDAY = 5, WEEKDAYS[5]
        SUNDAY = 6, WEEKDAYS[6]

    location = models.ForeignKey("inventory.StockLocation", verbose_name=_("store"), related_name="hours",
                                 on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    closed = models.BooleanField(_("closed all day"), default=False)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["location", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["location", "weekday"], name="store_hours_one_row_per_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="store_hours_weekday_0_to_6"),
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens__isnull=False, closes__isnull=False, opens__lt=F("closes")),
                name="store_hours_open_before_close",
            ),
        ]

    def __str__(self):
        if self.closed:
            return f"{self.get_weekday_display()}: {_('Closed')}"
        return f"{self.get_weekday_display()}: {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.closed:
            return
        if self.opens is None or self.closes is None:
            raise ValidationError(_("Give the opening and closing times, or tick “closed all day”."))
        if self.opens >= self.closes:
            raise ValidationError({"closes": _("The store must close after it opens.")})


class Section(models.TextChoices):
    ABOUT = "about", _("About us")
    INVESTORS = "investors", _("Investors")
    SUPPLIERS = "suppliers", _("Suppliers")
    PARTNERS = "partners", _("Partners")
    PRESS = "press", _("Press")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Page(models.Model):
    section = models.CharField(_("section"), max_length=20, choices=Section.choices, default=Section.ABOUT)
    slug = models.SlugField(_("address (slug)"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True,
                               help_text=_("One or two sentences shown in lists."))
    body = models.TextField(_("text"), blank=True,
                            help_text=_("Plain text. Leave an empty line between paragraphs."))
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page_detail", kwargs={"slug": self.slug})


class NewsItem(models.Model):
    class Kind(models.TextChoices):
        PRESS = "press", _("Press release")
        NEWS = "news", _("News")

    section = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    slug = models.SlugField(_("address (slug)"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True,
                               help_text=_("One or two sentences shown in lists."))
    body = models.TextField(_("text"), blank=True,
                            help_text=_("Plain text. Leave an empty line between paragraphs."))
    published_on = models.DateField(_("date"))
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news and press releases")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:news_detail", kwargs={"slug": self.slug})
