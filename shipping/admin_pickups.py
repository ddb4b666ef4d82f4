"""Store pickups (/admin/shipping/pickup/): the pickup orders of the stores a staff member works at (all of them for
Managers), each with "Ready for pickup" and "Picked up" (the collector's name). No carrier, no tracking number.
Writes go through shipping.services.pickups, which checks the store again. Store assignments are kept by Managers."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.locations import StockLocation
from orders.models import Order

from .models import Pickup, StoreAssignment
from .services.pickups import (
    COLLECTED_BY_MAX,
    PickupError,
    pickup_collect,
    pickup_mark_ready,
    pickup_remind_after,
    pickup_store_ids,
    pickups_for,
)

S = Order.Status
WAITING = [S.RECEIVED, S.PAID, S.PREPARING]


class CollectForm(forms.Form):
    collected_by = forms.CharField(label=_("Picked up by"), max_length=COLLECTED_BY_MAX,
                                   help_text=_("The name of the person who collected the order."))


class StepFilter(admin.SimpleListFilter):
    title = _("step")
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return [("waiting", _("To prepare")), ("ready", _("Ready for pickup")),
                ("not_collected", _("Not collected in time")), ("picked_up", _("Picked up"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "waiting":
            return queryset.filter(status__in=WAITING)
        if value == "ready":
            return queryset.filter(status=S.READY_FOR_PICKUP)
        if value == "not_collected":
            return queryset.filter(status=S.READY_FOR_PICKUP,
                                   pickup_ready_at__lte=timezone.now() - pickup_remind_after())
        if value == "picked_up":
            return queryset.filter(picked_up_at__isnull=False)
        return queryset


class StoreFilter(admin.SimpleListFilter):
    """Only the stores the member works at."""

    title = _("store")
    parameter_name = "store"

    def lookups(self, request, model_admin):
        stores = StockLocation.objects.filter(kind=StockLocation.Kind.STORE)
        ids = pickup_store_ids(user=request.user)
        if ids is not None:
            stores = stores.filter(pk__in=ids)
        return [(str(store.pk), store.name) for store in stores]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(delivery_method__pickup_location_id=self.value())
        return queryset


@admin.register(Pickup)
class PickupAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "ship_name", "store", "status", "pickup_ready_at", "not_collected",
                    "picked_up_by"]
    list_filter = [StepFilter, StoreFilter, "status"]
    search_fields = ["number", "email", "ship_name", "picked_up_by"]
    list_select_related = ["delivery_method__pickup_location"]
    show_full_result_count = False

    def get_queryset(self, request):
        return pickups_for(user=request.user, queryset=super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("store"), ordering="delivery_method__pickup_location__name")
    def store(self, obj):
        location = obj.delivery_method.pickup_location
        return location.name if location else "—"

    @admin.display(description=_("not collected in time"), boolean=True)
    def not_collected(self, obj):
        return bool(obj.status == S.READY_FOR_PICKUP and obj.pickup_ready_at
                    and obj.pickup_ready_at <= timezone.now() - pickup_remind_after())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The pickup's page: its lines and timeline, "Ready for pickup" and "Picked up"."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            pickup = (self.get_queryset(request).select_related("delivery_method__pickup_location")
                      .prefetch_related("lines", "events").get(pk=object_id))
        except (Pickup.DoesNotExist, ValueError) as error:
            raise Http404 from error
        form = CollectForm(request.POST if request.POST.get("step") == "collect" else None)
        if request.method == "POST":
            if not self.has_change_permission(request, pickup):
                raise PermissionDenied
            step = request.POST.get("step")
            try:
                if step == "ready":
                    pickup_mark_ready(order=pickup, user=request.user)
                    self.message_user(request, _("Order %(number)s is ready for pickup; the customer was emailed.")
                                      % {"number": pickup.number}, messages.SUCCESS)
                    return redirect(request.path)
                if step == "collect" and form.is_valid():
                    pickup_collect(order=pickup, user=request.user, collected_by=form.cleaned_data["collected_by"])
                    self.message_user(request, _("Order %(number)s was picked up by %(name)s.")
                                      % {"number": pickup.number, "name": form.cleaned_data["collected_by"]},
                                      messages.SUCCESS)
                    return redirect(request.path)
            except PickupError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(request.path)
        may_change = self.has_change_permission(request, pickup)
        return TemplateResponse(request, "admin/shipping/pickup/pickup.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Pickup of order %(number)s") % {"number": pickup.number},
            "pickup": pickup, "store": pickup.delivery_method.pickup_location, "form": form,
            "may_ready": may_change and pickup.status in WAITING,
            "may_collect": may_change and pickup.status == S.READY_FOR_PICKUP,
            "not_collected": self.not_collected(pickup),
        })


@admin.register(StoreAssignment)
class StoreAssignmentAdmin(admin.ModelAdmin):
    list_display = ["location", "user"]
    list_filter = ["location"]
    search_fields = ["user__username", "user__email", "location__name"]
    list_select_related = ["location", "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "location":
            kwargs["queryset"] = StockLocation.objects.filter(kind=StockLocation.Kind.STORE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

