"""Staff pages of the CRM: contacts with their customer 360 (problems, timeline, scores), segments with their live
size, the read-only scores and consent log, and the 80/20 report."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import ChangeHookMixin, ReadOnlyAdmin
from core.csv_io import ShopImportExportMixin

from .models import ConsentEvent, Contact, CustomerScore, Interaction, Perk, Segment
from .resources import CustomerResource, SupplierResource
from .selectors import contact_overview
from .services.scoring import pareto_report, scores_changed
from .services.segments import segment_members

SEGMENT_PREVIEW = 20


class InteractionForm(forms.ModelForm):
    occurred_at = forms.SplitDateTimeField(label=_("when"), required=False, widget=AdminSplitDateTime,
                                           help_text=_("Leave empty for now."))

    class Meta:
        model = Interaction
        fields = ["kind", "subject", "body", "occurred_at", "is_open"]

    def clean_occurred_at(self):
        return self.cleaned_data["occurred_at"] or timezone.now()


class InteractionInline(admin.StackedInline):
    """Log a call, a visit or a note; who logged it is recorded."""

    model = Interaction
    form = InteractionForm
    extra = 1
    fields = ["kind", "subject", "body", "occurred_at", "is_open", "created_by"]
    readonly_fields = ["created_by"]
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class ChurnAlertFilter(admin.SimpleListFilter):
    title = _("churn alerts")
    parameter_name = "churn"

    def lookups(self, request, model_admin):
        return [("flagged", _("About to be lost")), ("ok", _("Not flagged"))]

    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.filter(score__churn_risk=True)
        if self.value() == "ok":
            return queryset.exclude(score__churn_risk=True)
        return queryset


class TierFilter(admin.SimpleListFilter):
    title = _("tier")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        return [*CustomerScore.Tier.choices, ("none", _("No orders yet"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(score__isnull=True)
        if self.value() in CustomerScore.Tier.values:
            return queryset.filter(score__tier=self.value())
        return queryset


def _score(contact: Contact) -> CustomerScore | None:
    try:
        return contact.score
    except CustomerScore.DoesNotExist:
        return None


@admin.register(Contact)
class ContactAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = [CustomerResource, SupplierResource]  # consent is never imported (crm.resources)
    list_display = ["name", "kind", "email", "tier", "rfm", "churn", "created_at"]
    list_filter = ["kind", TierFilter, ChurnAlertFilter, "province"]
    list_select_related = ["score"]
    search_fields = ["name", "email", "phone"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["user"]
    filter_horizontal = ["interests"]
    readonly_fields = ["created_at", "updated_at", "erased_at"]
    inlines = [InteractionInline]
    change_form_template = "admin/crm/contact/change_form.html"
    change_list_template = "admin/crm/contact/change_list.html"
    fieldsets = [
        (None, {"fields": ["kind", "is_company", "name", "company", "user", "email", "phone", "city", "province",
                           "postal_code", "province_chosen", "language", "notes"]}),
        (_("Profile (kept only with profiling consent)"), {"fields": ["birth_year", "gender", "interests"],
                                                            "classes": ["collapse"]}),
        (_("Record"), {"fields": ["created_at", "updated_at", "erased_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("tier"), ordering="score__tier")
    def tier(self, obj):
        score = _score(obj)
        return score.get_tier_display() if score else "—"

    @admin.display(description=_("RFM"))
    def rfm(self, obj):
        score = _score(obj)
        return score.rfm if score else "—"

    @admin.display(description=_("churn alert"), ordering="score__churn_risk")
    def churn(self, obj):
        score = _score(obj)
        if score is None or not score.churn_risk:
            return ""
        return format_html("⚠ {}", score.churn_reason)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Interaction) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def get_urls(self):
        report = path("pareto/", self.admin_site.admin_view(self.pareto_view), name="crm_contact_pareto")
        return [report, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            problems, timeline = contact_overview(contact=obj)
            score = _score(obj)
            extra = {"problems": problems, "timeline": timeline, "score": score,
                     "is_top": score is not None and score.tier == CustomerScore.Tier.TOP}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def changelist_view(self, request, extra_context=None):
        extra = {"pareto_url": reverse("admin:crm_contact_pareto")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def pareto_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = None
        if raw := request.GET.get("since", "").strip():
            try:
                since = datetime.date.fromisoformat(raw)
            except ValueError:
                since = None
        report = pareto_report(since=since)
        return TemplateResponse(request, "admin/crm/contact/pareto.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": _("80/20 report"),
            "report": report, "since": since,
        })


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "purpose", "size"]
    list_filter = ["purpose"]
    search_fields = ["name"]
    autocomplete_fields = ["interested_in", "bought_in"]
    readonly_fields = ["members_preview", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "purpose"]}),
        (_("Rules (every rule set must hold; empty rules are ignored)"), {"fields": [
            "provinces", "tiers", "gender", ("born_from", "born_until"), "interested_in", "bought_in",
            ("last_order_after", "last_order_before")]}),
        (_("Members today"), {"fields": ["members_preview", "created_at"]}),
    ]

    @admin.display(description=_("size today"))
    def size(self, obj):
        return segment_members(segment=obj).count()

    @admin.display(description=_("members"))
    def members_preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Saved segments show their members here.")
        members = segment_members(segment=obj)
        size = members.count()
        first = list(members[:SEGMENT_PREVIEW])
        rows = format_html_join("", '<li><a href="{}">{}</a> {}</li>', (
            (reverse("admin:crm_contact_change", args=[c.pk]), str(c), c.email) for c in first))
        more = _(" (the first %(count)d shown)") % {"count": SEGMENT_PREVIEW} if size > SEGMENT_PREVIEW else ""
        return format_html('<p><strong class="segment-size">{}</strong> {}{}</p><ul>{}</ul>', size,
                           _("consenting contacts"), more, rows)


@admin.register(CustomerScore)
class CustomerScoreAdmin(ReadOnlyAdmin):
    list_display = ["contact", "rfm", "tier", "orders", "revenue", "last_order_on", "usual_interval_days",
                    "churn_risk", "churn_reason", "computed_at"]
    list_filter = ["tier", "churn_risk"]
    list_select_related = ["contact"]
    search_fields = ["contact__name", "contact__email"]
    ordering = ["-revenue", "pk"]

    @admin.display(description=_("RFM"))
    def rfm(self, obj):
        return obj.rfm


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    """The consent log: every give and withdraw, as the proof CASL and PIPEDA ask for. Never edited."""

    list_display = ["occurred_at", "contact", "purpose", "action", "basis", "lapses_on", "source",
                    "wording_version", "recorded_by"]
    list_filter = ["purpose", "action", "basis"]
    list_select_related = ["contact", "recorded_by"]
    search_fields = ["contact__name", "contact__email", "source"]
    date_hierarchy = "occurred_at"
    ordering = ["-occurred_at", "-pk"]


@admin.register(Perk)
class PerkAdmin(ChangeHookMixin, admin.ModelAdmin):
    changed = staticmethod(scores_changed)  # the customers' headers show the perk of their tier
    list_display = ["text", "tier", "is_active"]
    list_filter = ["tier", "is_active"]
    list_editable = ["is_active"]
