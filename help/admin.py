"""The FAQ in both languages, and the staff inbox of questions: unanswered first, the most asked first. Staff write
the answer in the question's change form and press "Send answer"; "Publish into the FAQ" (a button there, or the
list action with a topic) copies it into the FAQ. Both call the services."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from core.admin_base import admin_link

from .forms import PublishActionForm, QuestionAdminForm
from .models import CustomerQuestion, FaqEntry, SearchMiss, Topic
from .selectors import INBOX_ORDERING, questions_inbox
from .services import QuestionError, question_answer, question_publish


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(FaqEntry)
class FaqEntryAdmin(TranslationAdmin):
    list_display = ["question", "topic", "is_published", "position", "updated_at"]
    list_filter = ["topic", "is_published"]
    list_select_related = ["topic"]
    search_fields = ["question_en", "question_fr", "answer_en", "answer_fr"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(CustomerQuestion)
class CustomerQuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    action_form = PublishActionForm
    actions = ["publish_into_faq"]
    change_form_template = "admin/help/customerquestion/change_form.html"
    list_display = ["short_question", "name", "email", "language", "source", "status", "times_asked", "created_at"]
    list_filter = ["status", "source", "language"]
    search_fields = ["question", "email", "name", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "email", "contact_link", "language", "source", "subject", "question", "status",
                       "times_asked", "created_at", "answered_at", "answered_by", "faq_entry_link"]
    fieldsets = [
        (None, {"fields": ["name", "email", "contact_link", "language", "source", "created_at", "times_asked",
                           "subject", "question"]}),
        (_("Answer"), {"fields": ["answer", "status", "answered_at", "answered_by"]}),
        (_("FAQ"), {"fields": ["publish_topic", "faq_entry_link"]}),
    ]

    def get_queryset(self, request):
        return questions_inbox()

    def get_ordering(self, request):
        return INBOX_ORDERING

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("question"))
    def short_question(self, obj):
        return str(obj)

    @admin.display(description=_("times asked"), ordering="times_asked")
    def times_asked(self, obj):
        return obj.times_asked

    @admin.display(description=_("contact"))
    def contact_link(self, obj):
        return admin_link("admin:crm_contact_change", obj.contact_id, obj.contact)

    @admin.display(description=_("published as"))
    def faq_entry_link(self, obj):
        if not obj.faq_entry_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:help_faqentry_change", args=[obj.faq_entry_id]),
                           Truncator(str(obj.faq_entry)).chars(80))

    def save_model(self, request, obj, form, change):
        """"Send answer" and "Publish into the FAQ" go through the services (the form has checked they may);
        a plain save keeps the answer as a draft."""
        if "_send_answer" in request.POST:
            try:
                emailed = question_answer(question=obj, answer=form.cleaned_data["answer"], user=request.user)
            except QuestionError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            if emailed:
                self.message_user(request, _("Answer emailed to %(email)s.") % {"email": obj.email},
                                  messages.SUCCESS)
            else:
                self.message_user(request, _("This answer was already emailed; it was not sent again."),
                                  messages.WARNING)
        elif "_publish" in request.POST:
            try:
                entry = question_publish(question=obj, topic=form.cleaned_data.get("publish_topic"),
                                         user=request.user)
            except QuestionError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            self.message_user(request, _("Published in the FAQ under “%(topic)s”.") % {"topic": entry.topic},
                              messages.SUCCESS)
        else:
            super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_send_answer" in request.POST or "_publish" in request.POST:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Publish into the FAQ"))
    def publish_into_faq(self, request, queryset):
        action_form = self.action_form(request.POST)
        topic = action_form.cleaned_data.get("topic") if action_form.is_valid() else None
        published, refused = 0, []
        for question in queryset.order_by("pk"):
            try:
                question_publish(question=question, topic=topic, user=request.user)
            except QuestionError as error:
                refused.append(f"“{Truncator(str(question)).chars(60)}”: {error}")
            else:
                published += 1
        if published:
            self.message_user(request, ngettext("%(count)d question published in the FAQ.",
                                                "%(count)d questions published in the FAQ.", published)
                              % {"count": published}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """What visitors searched the FAQ for and did not find, the most searched first. Read-only."""

    list_display = ["query", "language", "count", "first_seen", "last_seen", "resolved_at"]
    list_filter = ["language", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["query"]
    ordering = ["-count", "-last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
