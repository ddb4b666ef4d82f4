"""Staff compose newsletters (Marketing, Managers): subject and one to three blocks in English and French, a
preview in each language, a test to themselves, then schedule or send; progress and pause/resume while sending."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin

from .models import MAX_BLOCKS, MAX_PRODUCTS_PER_BLOCK, Newsletter, NewsletterBlock, NewsletterDelivery, SignUp
from .services import sending
from .services.rendering import newsletter_render, newsletter_with_blocks

Status = Newsletter.Status
EDITABLE = {Status.DRAFT, Status.SCHEDULED}


class BlockForm(forms.ModelForm):
    class Meta:
        model = NewsletterBlock
        fields = ["position", "kind", "heading", "heading_fr", "text", "text_fr", "image", "image_alt",
                  "image_alt_fr", "products"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == NewsletterBlock.Kind.TEXT and not data.get("text"):
            self.add_error("text", _("A text block needs its text."))
        if kind == NewsletterBlock.Kind.IMAGE:
            if not data.get("image"):
                self.add_error("image", _("A picture block needs a picture."))
            if not data.get("image_alt"):
                self.add_error("image_alt", _("Describe the picture for readers who cannot see it."))
        products = data.get("products")
        if kind == NewsletterBlock.Kind.PRODUCTS and not products:
            self.add_error("products", _("Choose one to three products."))
        if products is not None and len(products) > MAX_PRODUCTS_PER_BLOCK:
            self.add_error("products", _("Three products at most: one idea per block."))
        return data


class BlockInline(admin.StackedInline):
    model = NewsletterBlock
    form = BlockForm
    extra = 0
    min_num = 1
    max_num = MAX_BLOCKS
    autocomplete_fields = ["products"]

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, validate_max=True, **kwargs)

    def _editable(self, obj):
        return obj is None or obj.status in EDITABLE

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class SendForm(forms.Form):
    scheduled_at = forms.SplitDateTimeField(label=_("send at"), required=False, widget=AdminSplitDateTime)

    def clean_scheduled_at(self):
        at = self.cleaned_data["scheduled_at"]
        if at is not None and at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return at


def _progress(newsletter) -> str:
    total = getattr(newsletter, "total", None)
    if total is None:
        newsletter = sending.newsletters_progress(Newsletter.objects.filter(pk=newsletter.pk)).get()
        total = newsletter.total
    if newsletter.status in EDITABLE:
        return "—"
    return format_html(_("{sent} / {total} sent · {failed} failed · {skipped} skipped (no consent)"),
                       sent=newsletter.sent, total=total, failed=newsletter.failed, skipped=newsletter.skipped)


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["subject", "segment", "status", "scheduled_at", "progress"]
    list_filter = ["status"]
    search_fields = ["subject", "subject_fr"]
    list_select_related = ["segment"]
    inlines = [BlockInline]
    fields = ["subject", "subject_fr", "segment", "status", "scheduled_at", "progress", "started_at", "finished_at"]
    readonly_fields = ["status", "scheduled_at", "progress", "started_at", "finished_at"]

    def get_queryset(self, request):
        return sending.newsletters_progress(super().get_queryset(request))

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return _progress(obj) if obj.pk else "—"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status not in EDITABLE:
            return [*self.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        """A newsletter that went out stays: its deliveries are the record of who received it."""
        return (obj is None or obj.status in EDITABLE) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        own = [
            path("<int:pk>/preview/<str:language>/", self.admin_site.admin_view(self.preview_view),
                 name="newsletters_newsletter_preview"),
            path("<int:pk>/send/", self.admin_site.admin_view(self.send_view), name="newsletters_newsletter_send"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {**(extra_context or {})}
        if object_id and object_id.isdigit():
            extra["newsletter_tools"] = [
                (reverse("admin:newsletters_newsletter_preview", args=[object_id, "en"]), _("Preview in English")),
                (reverse("admin:newsletters_newsletter_preview", args=[object_id, "fr"]), _("Preview in French")),
                (reverse("admin:newsletters_newsletter_send", args=[object_id]), _("Test, schedule, send")),
            ]
        return super().change_view(request, object_id, form_url, extra)

    def preview_view(self, request, pk, language):
        if language not in ("en", "fr"):
            raise Http404
        newsletter = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, newsletter):
            raise PermissionDenied
        rendered = newsletter_render(newsletter=newsletter_with_blocks(newsletter_id=newsletter.pk),
                                     language=language, link="#unsubscribe")
        return HttpResponse(rendered.html_body)

    def send_view(self, request, pk):
        newsletter = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, newsletter):
            raise PermissionDenied
        form = SendForm(request.POST or None)
        if request.method == "POST":
            done = self._send_step(request, newsletter, form, request.POST.get("do", ""))
            if done:
                return redirect("admin:newsletters_newsletter_change", newsletter.pk)
        return TemplateResponse(request, "admin/newsletters/newsletter/send.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": newsletter,
            "title": _("Test, schedule, send"), "form": form, "newsletter": newsletter,
            "progress": _progress(newsletter), "segment_size": _segment_size(newsletter),
            "can": sending.TRANSITIONS[newsletter.status], "Status": Status,
        })

    def _send_step(self, request, newsletter, form, do: str) -> bool:
        try:
            if do == "test":
                if not request.user.email:
                    messages.error(request, _("Your user account has no email address."))
                    return False
                sending.newsletter_send_test(newsletter=newsletter, to=request.user.email)
                messages.success(request, _("A test in English and one in French were sent to %(email)s.")
                                 % {"email": request.user.email})
            elif do == "schedule":
                if not form.is_valid() or form.cleaned_data["scheduled_at"] is None:
                    if form.is_valid():
                        form.add_error("scheduled_at", _("Choose when to send it."))
                    return False
                sending.newsletter_schedule(newsletter=newsletter, at=form.cleaned_data["scheduled_at"])
                messages.success(request, _("The newsletter is scheduled."))
            elif do == "unschedule":
                sending.newsletter_unschedule(newsletter=newsletter)
                messages.success(request, _("The newsletter is back to draft."))
            elif do == "send":
                sending.newsletter_start(newsletter=newsletter)
                messages.success(request, _("Sending has started."))
            elif do == "pause":
                sending.newsletter_pause(newsletter=newsletter)
                messages.success(request, _("Sending is paused."))
            elif do == "resume":
                sending.newsletter_resume(newsletter=newsletter)
                messages.success(request, _("Sending has resumed."))
            else:
                messages.error(request, _("Unknown action."))
                return False
        except sending.TransitionRefused:
            messages.error(request, _("That is not possible for a newsletter in this state (it may have changed "
                                      "meanwhile), or it has no block yet."))
            return False
        return True


def _segment_size(newsletter) -> int | None:
    from crm.services.segments import segment_size

    return segment_size(segment=newsletter.segment) if newsletter.status in EDITABLE else None


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["newsletter", "contact", "status", "language", "queued_at", "email_status", "error"]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter", "contact", "email"]
    search_fields = ["contact__email"]

    @admin.display(description=_("email"))
    def email_status(self, obj):
        return obj.email.get_status_display() if obj.email_id else "—"


@admin.register(SignUp)
class SignUpAdmin(ReadOnlyAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at", "wording_version"]
    list_filter = ["language"]
    search_fields = ["email"]
