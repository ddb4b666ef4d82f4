"""Moderation: lists to work through by status, with actions that call community.services. A product question
shows its answers; staff answer it in the "Answer from the shop" box, which publishes the answer (and the question)
at once and emails the asker."""

from django.contrib import admin, messages
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ProductAnswer, ProductQuestion, Review
from .selectors import questions_unanswered


def _moderation_action(service, description, done):
    """An admin action running service(ids=, user=) on the selected rows; done(n) says what changed."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        changed = service(ids=list(queryset.values_list("pk", flat=True)), user=request.user)
        modeladmin.message_user(request, done(changed), messages.SUCCESS)

    action.__name__ = service.__name__.lstrip("_")
    return action


def _reviews_approve(*, ids, user):
    return services.reviews_approve(review_ids=ids, user=user)


def _reviews_reject(*, ids, user):
    return services.reviews_reject(review_ids=ids, user=user)


def _questions_publish(*, ids, user):
    return services.questions_publish(question_ids=ids, user=user)


def _questions_reject(*, ids, user):
    return services.questions_reject(question_ids=ids, user=user)


def _answers_publish(*, ids, user):
    return services.answers_publish(answer_ids=ids, user=user)


def _answers_reject(*, ids, user):
    return services.answers_reject(answer_ids=ids, user=user)


class ModerationAdmin(admin.ModelAdmin):
    """What customers wrote is not edited by staff: it is approved or rejected."""

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ModerationAdmin):
    list_display = ["title", "product", "rating", "author", "verified_buyer", "status", "created_at"]
    list_filter = ["status", "verified_buyer", "rating", "created_at"]
    search_fields = ["title", "body", "author__email", "product__name"]
    list_select_related = ["product", "author"]
    date_hierarchy = "created_at"
    fields = ["product", "author", "rating", "title", "body", "language", "verified_buyer", "status", "created_at",
              "updated_at", "moderated_by", "moderated_at"]
    readonly_fields = fields
    actions = [
        _moderation_action(_reviews_approve, _("Approve the selected reviews"),
                           lambda n: ngettext("%(n)d review approved.", "%(n)d reviews approved.", n) % {"n": n}),
        _moderation_action(_reviews_reject, _("Reject the selected reviews"),
                           lambda n: ngettext("%(n)d review rejected.", "%(n)d reviews rejected.", n) % {"n": n}),
    ]


class AnswerInline(admin.TabularInline):
    model = ProductAnswer
    extra = 0
    can_delete = False
    fields = ["text", "author", "is_staff_answer", "status", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("answers so far (publish or reject customers' answers from the answers list)")

    def has_add_permission(self, request, obj=None):
        return False


class NewAnswerInline(admin.StackedInline):
    """One empty box for the shop's answer; saved through answer_post, so it is published at once."""

    model = ProductAnswer
    extra = 1
    max_num = 1
    can_delete = False
    fields = ["text"]
    verbose_name = _("Answer from the shop")
    verbose_name_plural = _("Answer from the shop")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.is_new_shop_answer = True
        return formset


class AnsweredFilter(admin.SimpleListFilter):
    """Whether a question has a published answer yet (community.selectors.questions_unanswered)."""

    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet (and not rejected)")), ("yes", _("Yes"))]

    def queryset(self, request, queryset):
        unanswered = questions_unanswered().values("pk")
        if self.value() == "no":
            return queryset.filter(pk__in=unanswered)
        if self.value() == "yes":
            return queryset.exclude(status=ProductQuestion.Status.REJECTED).exclude(pk__in=unanswered)
        return queryset


@admin.register(ProductQuestion)
class ProductQuestionAdmin(ModerationAdmin):
    list_display = ["text_start", "product", "asker", "answer_count", "status", "created_at"]
    list_filter = [AnsweredFilter, "status", "created_at"]
    search_fields = ["text", "email", "name", "author__email", "product__name"]
    list_select_related = ["product", "author"]
    date_hierarchy = "created_at"
    fields = ["product", "text", "author", "name", "email", "language", "status", "created_at", "moderated_by",
              "moderated_at"]
    readonly_fields = fields
    inlines = [AnswerInline, NewAnswerInline]
    actions = [
        _moderation_action(_questions_publish, _("Publish the selected questions"),
                           lambda n: ngettext("%(n)d question published.", "%(n)d questions published.", n) % {"n": n}),
        _moderation_action(_questions_reject, _("Reject the selected questions"),
                           lambda n: ngettext("%(n)d question rejected.", "%(n)d questions rejected.", n) % {"n": n}),
    ]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(answers_total=Count("answers"))

    @admin.display(description=_("question"))
    def text_start(self, obj):
        return obj.text[:80]

    @admin.display(description=_("asked by"))
    def asker(self, obj):
        return obj.author.email if obj.author_id else f"{obj.name} <{obj.email}>"

    @admin.display(description=_("answers"), ordering="answers_total")
    def answer_count(self, obj):
        return obj.answers_total

    def save_formset(self, request, form, formset, change):
        if not getattr(formset, "is_new_shop_answer", False):
            formset.save()
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the admin log
        for answer_form in formset.forms:
            text = answer_form.cleaned_data.get("text", "").strip() if answer_form.has_changed() else ""
            if text:
                formset.new_objects.append(services.answer_post(
                    question=form.instance, user=request.user, text=text, language=(get_language() or "en")[:2]))
                self.message_user(request, _("Your answer is published and the asker is told by email."),
                                  messages.SUCCESS)


@admin.register(ProductAnswer)
class ProductAnswerAdmin(ModerationAdmin):
    list_display = ["text_start", "question", "author", "is_staff_answer", "status", "created_at"]
    list_filter = ["status", "is_staff_answer", "created_at"]
    search_fields = ["text", "author__email", "question__text"]
    list_select_related = ["question", "author"]
    fields = ["question", "text", "author", "is_staff_answer", "language", "status", "created_at", "moderated_by",
              "moderated_at"]
    readonly_fields = fields
    actions = [
        _moderation_action(_answers_publish, _("Publish the selected answers"),
                           lambda n: ngettext("%(n)d answer published.", "%(n)d answers published.", n) % {"n": n}),
        _moderation_action(_answers_reject, _("Reject the selected answers"),
                           lambda n: ngettext("%(n)d answer rejected.", "%(n)d answers rejected.", n) % {"n": n}),
    ]

    @admin.display(description=_("answer"))
    def text_start(self, obj):
        return obj.text[:80]
