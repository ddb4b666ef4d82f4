from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Emails are written by outbox.services only: here they are read, sent now, or retried."""

    list_display = ["created_at", "to", "subject", "reference", "status", "attempts", "sent_at"]
    list_filter = ["status", "created_at", "sent_at"]
    search_fields = ["to", "reference", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_now", "retry_failed"]
    readonly_fields = [
        "to", "subject", "text_body", "html_body", "language", "reference", "headers", "status", "attempts",
        "last_error", "claimed_until", "next_attempt_at", "created_at", "sent_at", "attached",
    ]
    exclude = ["attachments"]  # the files themselves (base64): only their names are shown

    def get_queryset(self, request):
        return super().get_queryset(request).defer("attachments")  # not read by the list (PDFs are big)

    @admin.display(description=_("attachments"))
    def attached(self, obj) -> str:
        return ", ".join(file["name"] for file in obj.attachments or []) or "—"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send now"), permissions=["change"])
    def send_now(self, request, queryset) -> None:
        sent = services.emails_send_now(email_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - sent
        self.message_user(request, ngettext("%(count)d email sent.", "%(count)d emails sent.", sent) % {"count": sent},
                          messages.SUCCESS if sent else messages.WARNING)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email not sent: already sent, being sent, failed, or the mail server refused it.",
                    "%(count)d emails not sent: already sent, being sent, failed, or the mail server refused them.",
                    skipped,
                ) % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Retry failed"), permissions=["change"])
    def retry_failed(self, request, queryset) -> None:
        retried = services.emails_retry_failed(email_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d failed email queued again.", "%(count)d failed emails queued again.", retried)
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
