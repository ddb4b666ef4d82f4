"""What customers write about products: reviews (from verified buyers only) and questions with their answers.

Everything a customer writes waits for a person to approve it (status pending); only approved reviews and
published questions and answers are shown on the product page. Staff answers are published when they are written.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def public_name(user) -> str:
    """How a customer is named on the site: first name and initial ("Ana T."), never the email or username."""
    if user is None:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first:
        return f"{first} {last[0]}." if last else first
    return str(_("A customer"))


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), related_name="reviews",
                                on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), related_name="product_reviews",
                               on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField(_("rating (1 to 5)"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("review"), max_length=4000)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    verified_buyer = models.BooleanField(
        _("verified buyer"), default=False,
        help_text=_("The author had a paid, shipped or delivered order with this product when writing."),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True,
                                     blank=True, related_name="+", on_delete=models.SET_NULL)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        verbose_name = _("product review")
        verbose_name_plural = _("product reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
            models.UniqueConstraint(fields=["product", "author"], name="review_one_per_author_and_product"),
        ]
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="review_product_status")]

    def __str__(self):
        return f"{self.rating}/5 · {self.title}"

    @property
    def author_name(self) -> str:
        return public_name(self.author)


class ProductQuestion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), related_name="questions",
                                on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               related_name="product_questions", on_delete=models.SET_NULL)
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Where the answer is sent."))
    text = models.TextField(_("question"), max_length=2000)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True,
                                     blank=True, related_name="+", on_delete=models.SET_NULL)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        verbose_name = _("product question")
        verbose_name_plural = _("product questions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="question_product_status")]

    def __str__(self):
        return self.text[:80]

    @property
    def asker_name(self) -> str:
        if self.author_id:
            return public_name(self.author)
        return self.name


class ProductAnswer(models.Model):
    Status = ProductQuestion.Status

    question = models.ForeignKey(ProductQuestion, verbose_name=_("question"), related_name="answers",
                                 on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               related_name="product_answers", on_delete=models.SET_NULL)
    is_staff_answer = models.BooleanField(_("answer from the shop"), default=False)
    text = models.TextField(_("answer"), max_length=4000)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True,
                                     blank=True, related_name="+", on_delete=models.SET_NULL)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]

    @property
    def author_name(self) -> str:
        return public_name(self.author) if self.author_id else ""
