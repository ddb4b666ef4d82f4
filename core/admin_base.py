"""What several apps' admins share."""

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html


def admin_link(url_name: str, pk, text) -> str:
    """A link to an object's admin page (`url_name` such as "admin:crm_contact_change"), or "—" without one."""
    if not pk:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record staff may look at but never add, change or delete (ledgers, logs, computed scores)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChangeHookMixin:
    """For a ModelAdmin: calls `changed` (a function of no arguments) once an edit made on this admin page is
    committed: a save (one object, a changelist's editable rows, inlines) or a deletion. Cached copies of the table
    (pages, a worker's copy of a small table) are refreshed that way, after the commit, never before."""

    changed = None  # set by the subclass: staticmethod(function)

    def _changed_on_commit(self):
        transaction.on_commit(self.changed)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed_on_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed_on_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._changed_on_commit()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._changed_on_commit()
