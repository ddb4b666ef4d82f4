"""Timesheets and hourly staff costs in the admin.

- Timesheets: Warehouse and Store staff (view and add, staff.roles) log and read their own hours only; whoever may
  change time entries (Managers) sees and corrects everyone's. A person's own rows are picked by the list itself
  (get_queryset), so another person's row is not found, whatever its URL.
- Hourly costs: only Managers hold permissions on them (staff.roles). The timesheet's cost column is shown only to
  those who may view the costs.
"""

from decimal import ROUND_HALF_UP

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import CENT, money

from .models import StaffCost, TimeEntry
from .selectors import hourly_cost_in_effect

EVERYONES_HOURS = "staff.change_timeentry"
SEE_COSTS = "staff.view_staffcost"


def _staff_choices():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["day", "person_display", "task", "hours", "note"]
    list_filter = ["task", "day"]
    date_hierarchy = "day"
    search_fields = ["note", "person__username", "person__first_name", "person__last_name"]
    list_select_related = ["person"]
    ordering = ["-day", "person__username", "pk"]

    @staticmethod
    def sees_everyone(request) -> bool:
        return request.user.has_perm(EVERYONES_HOURS)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if not self.sees_everyone(request):
            rows = rows.filter(person=request.user)
        if request.user.has_perm(SEE_COSTS):
            rows = rows.annotate(hourly_cost=hourly_cost_in_effect())
        return rows

    def get_list_display(self, request):
        if request.user.has_perm(SEE_COSTS):
            return [*self.list_display, "cost"]
        return self.list_display

    def get_list_filter(self, request):
        if self.sees_everyone(request):
            return [*self.list_filter, ("person", admin.RelatedOnlyFieldListFilter)]
        return self.list_filter

    def get_fields(self, request, obj=None):
        fields = ["day", "task", "hours", "note"]
        return ["person", *fields] if self.sees_everyone(request) else fields

    def get_changeform_initial_data(self, request):
        return {"day": timezone.localdate(), "person": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["queryset"] = _staff_choices()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not self.sees_everyone(request):
            obj.person = request.user  # one's own hours only
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("person"), ordering="person__username")
    def person_display(self, obj):
        return person_name(obj.person)

    @admin.display(description=_("cost"))
    def cost(self, obj):
        rate = getattr(obj, "hourly_cost", None)
        if rate is None:
            return "—"
        return money((obj.hours * rate).quantize(CENT, rounding=ROUND_HALF_UP))


@admin.register(StaffCost)
class StaffCostAdmin(admin.ModelAdmin):
    list_display = ["person_display", "effective_from", "hourly_cost_display", "note"]
    list_filter = [("person", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "effective_from"
    search_fields = ["person__username", "person__first_name", "person__last_name"]
    list_select_related = ["person"]
    fields = ["person", "effective_from", "hourly_cost", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["queryset"] = _staff_choices()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("person"), ordering="person__username")
    def person_display(self, obj):
        return person_name(obj.person)

    @admin.display(description=_("hourly cost"), ordering="hourly_cost")
    def hourly_cost_display(self, obj):
        return money(obj.hourly_cost)
