"""Quotes in the admin: the requests with their status; staff reply with a price, a lead time and a validity date
("Send quote" emails the customer the signed link), or decline. Status changes only through quotes.services."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import admin_link
from core.money import money

from .forms import QuoteReplyAdminForm
from .models import Quote
from .services import QuoteError, quote_decline, quote_send


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    form = QuoteReplyAdminForm
    change_form_template = "admin/quotes/quote/change_form.html"
    list_display = ["reference_display", "product", "name", "email", "quantity", "wanted_on", "status",
                    "total_display", "valid_until", "created_at"]
    list_filter = ["status", "language"]
    search_fields = ["email", "name", "product__name_en", "product__name_fr", "specifics"]
    date_hierarchy = "created_at"
    list_select_related = ["product"]
    readonly_fields = ["reference_display", "status", "product", "variant", "name", "email", "phone", "language",
                       "contact_link", "specifics", "quantity", "wanted_on", "attachment_link", "created_at",
                       "quoted_at", "quoted_by", "accepted_at", "closed_at", "order_link"]
    fieldsets = [
        (_("Request"), {"fields": ["reference_display", "status", "product", "variant", "quantity", "wanted_on",
                                   "specifics", "attachment_link", "created_at"]}),
        (_("Customer"), {"fields": ["name", "email", "phone", "language", "contact_link"]}),
        (_("Our quote"), {"fields": ["unit_price", "total", "lead_time_days", "valid_until", "message",
                                     "quoted_at", "quoted_by"]}),
        (_("Outcome"), {"fields": ["accepted_at", "closed_at", "order_link"]}),
    ]

    # Once accepted, ordered or declined, the reply is history: shown, not edited.
    LOCKED = (Quote.Status.ACCEPTED, Quote.Status.ORDERED, Quote.Status.DECLINED)
    REPLY = ["unit_price", "lead_time_days", "valid_until", "message"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + self.REPLY if obj is not None and obj.status in self.LOCKED else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status in self.LOCKED:
            return [(name, {**options, "fields": [f for f in options["fields"] if f != "total"]})
                    for name, options in fieldsets]
        return fieldsets

    def has_add_permission(self, request):
        return False  # quotes come from customers' requests

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("quote"), ordering="pk")
    def reference_display(self, obj):
        return obj.reference

    @admin.display(description=_("total (CAD)"))
    def total_display(self, obj):
        return money(obj.total) if obj.total is not None else "—"

    @admin.display(description=_("contact"))
    def contact_link(self, obj):
        return admin_link("admin:crm_contact_change", obj.contact_id, obj.contact)

    @admin.display(description=_("attachment"))
    def attachment_link(self, obj):
        if not obj.attachment:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("quotes:attachment", args=[obj.pk]),
                           obj.attachment_name or _("Download"))

    @admin.display(description=_("order"))
    def order_link(self, obj):
        if not obj.order_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]),
                           obj.order.number)

    def save_model(self, request, obj, form, change):
        """"Send quote" and "Decline" go through the services; a plain save keeps the reply as a draft."""
        if "_send_quote" in request.POST:
            data = form.cleaned_data
            try:
                quote_send(quote_id=obj.pk, unit_price=data["unit_price"], lead_time_days=data["lead_time_days"],
                           valid_until=data["valid_until"], message=data.get("message", ""), user=request.user)
            except QuoteError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            self.message_user(request, _("Quote emailed to %(email)s.") % {"email": obj.email}, messages.SUCCESS)
        elif "_decline" in request.POST:
            try:
                quote_decline(quote_id=obj.pk, user=request.user, by_staff=True)
            except QuoteError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            self.message_user(request, _("Quote declined."), messages.SUCCESS)
        elif obj.status == Quote.Status.QUOTED and form.changed_data:
            # The customer's link shows the quote as it is: a new price reaches them only with "Send quote".
            self.message_user(request, _("This quote was already sent: use “Send quote” to send the customer the "
                                         "revised quote. Nothing was saved."), messages.WARNING)
        else:
            super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_send_quote" in request.POST or "_decline" in request.POST:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
