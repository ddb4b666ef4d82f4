"""The seller's identity: one row, set once by staff (Accounts, Managers), never deleted."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from .models import SellerIdentity


@admin.register(SellerIdentity)
class SellerIdentityAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["legal_name", "operating_name", "address", "phone", "email", "logo"]}),
        ("GST/HST · QST", {"fields": ["gst_hst_number", "qst_number"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Once set, "add" opens the one row (has_add_permission does not look, so that every admin page's sidebar
        costs no query for it); the database refuses a second row anyway."""
        identity = SellerIdentity.objects.first()
        if identity is not None:
            return redirect(reverse("admin:core_selleridentity_change", args=[identity.pk]))
        return super().add_view(request, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        """The list of one row opens that row (or the form to set it)."""
        identity = SellerIdentity.objects.first()
        if identity is not None and self.has_view_or_change_permission(request, identity):
            return redirect(reverse("admin:core_selleridentity_change", args=[identity.pk]))
        if identity is None and self.has_add_permission(request):
            return redirect(reverse("admin:core_selleridentity_add"))
        return super().changelist_view(request, extra_context)
