from django.contrib import admin

from .models import Address, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "phone"]
    search_fields = ["user__email", "user__username", "company", "phone"]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "name", "city", "province", "postal_code", "is_default"]
    list_filter = ["province", "is_default"]
    search_fields = ["user__email", "name", "street", "city", "postal_code"]
