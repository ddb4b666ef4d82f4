"""Django's admin app with the shop's site (staff.admin_site.ShopAdminSite) as `admin.site`: listed in
INSTALLED_APPS instead of "django.contrib.admin", so every app's `@admin.register` lands on it."""

from django.contrib.admin.apps import AdminConfig


class ShopAdminConfig(AdminConfig):
    default_site = "staff.admin_site.ShopAdminSite"
