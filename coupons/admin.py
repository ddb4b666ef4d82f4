"""Staff pages of the coupons (Marketing and Managers: staff.roles): codes, their uses (read-only: written by the
checkout), the incentives sent, and the customers the churn alert flags, for approving a "we miss you" coupon."""

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import ReadOnlyAdmin

from .models import Coupon, CouponRedemption, Incentive, WinBackCandidate
from .services.incentives import incentive_win_back_send


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "kind", "value", "category", "minimum_order", "starts_at", "ends_at",
                    "uses", "max_uses", "stackable", "is_active"]
    list_filter = ["is_active", "kind", "stackable"]
    search_fields = ["code", "description", "email"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
    fieldsets = [
        (None, {"fields": ["code", "description", "description_fr", "is_active"]}),
        (_("Discount"), {"fields": ["kind", "value", "category", "minimum_order", "stackable"]}),
        (_("Validity and limits"), {"fields": ["starts_at", "ends_at", "max_uses", "max_uses_per_customer",
                                               "email"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("redemptions"))

    @admin.display(description=_("uses"), ordering="use_count")
    def uses(self, coupon):
        return coupon.use_count

    def save_model(self, request, obj, form, change):
        obj.code = obj.code.strip().upper()
        super().save_model(request, obj, form, change)


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "coupon", "order", "email", "amount"]
    list_select_related = ["coupon", "order"]
    search_fields = ["coupon__code", "order__number", "email"]
    date_hierarchy = "created_at"


@admin.register(Incentive)
class IncentiveAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "email", "coupon", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["coupon", "created_by"]
    search_fields = ["email", "coupon__code"]


@admin.register(WinBackCandidate)
class WinBackCandidateAdmin(ReadOnlyAdmin):
    """The customers the churn alert flags; "Send a we-miss-you coupon" sends each at most one, and only to those
    whose consent for promotions counts today."""

    list_display = ["contact", "email", "last_order_on", "orders", "revenue", "churn_reason", "coupon_sent"]
    list_select_related = ["contact"]
    search_fields = ["contact__name", "contact__email"]
    actions = ["win_back_send"]

    def get_queryset(self, request):
        sent = Incentive.objects.filter(kind=Incentive.Kind.WIN_BACK, email=Lower(OuterRef("contact__email")))
        return super().get_queryset(request).filter(churn_risk=True).annotate(sent=Exists(sent))

    @admin.display(description=_("email"))
    def email(self, score):
        return score.contact.email

    @admin.display(description=_("coupon sent"), boolean=True, ordering="sent")
    def coupon_sent(self, score):
        return score.sent

    def has_send_permission(self, request):
        return request.user.has_perm("coupons.add_incentive")

    @admin.action(description=_("Send a “we miss you” coupon"), permissions=["send"])
    def win_back_send(self, request, queryset):
        sent = sum(1 for score in queryset.select_related("contact")
                   if incentive_win_back_send(contact=score.contact, approved_by=request.user) is not None)
        skipped = len(queryset) - sent
        self.message_user(request, ngettext("%(count)d coupon sent.", "%(count)d coupons sent.", sent)
                          % {"count": sent}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)d customer skipped: already sent one, no email, or no consent to promotions.",
                "%(count)d customers skipped: already sent one, no email, or no consent to promotions.", skipped)
                % {"count": skipped}, messages.WARNING)
