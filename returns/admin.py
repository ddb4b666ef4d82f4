"""Returns in the admin: the list to work through, and one page per step (approve, refuse, receive, refund) that
calls the service. A step the return cannot take is shown back with the service's message."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.money import money

from .forms import ApproveForm, ReceiveForm, RefundForm, RefuseForm
from .models import ReturnLine, ReturnRequest
from .selectors import request_value
from .services import ReturnError, return_approve, return_receive, return_refund, return_refuse
from .services.workflow import ALLOWED_MOVES

S = ReturnRequest.Status
# The step pages: URL name suffix -> (status the return moves to, button label).
# Each step needs returns.change_returnrequest; the refund moves money, so it needs payments.add_refund as well.
STEP_PERMISSIONS = {"refund": "payments.add_refund"}
STEPS = {
    "approve": (S.APPROVED, _("Approve")),
    "refuse": (S.REFUSED, _("Refuse")),
    "receive": (S.RECEIVED, _("Receive the items")),
    "refund": (S.REFUNDED, _("Refund")),
}


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ["order_line", "quantity", "outcome", "location"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["order", "email", "status", "created_at", "updated_at", "refund_amount"]
    list_filter = ["status", "created_at"]
    search_fields = ["order__number", "order__email"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"
    fields = ["order_link", "status", "reason", "staff_note", "created_at", "updated_at", "decided_by", "refund",
              "credit_note", "refund_amount"]
    readonly_fields = fields
    inlines = [ReturnLineInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("email"), ordering="order__email")
    def email(self, obj):
        return obj.order.email

    @admin.display(description=_("order"))
    def order_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]),
                           obj.order.number)

    def get_urls(self):
        steps = [path(f"<int:pk>/{step}/", self.admin_site.admin_view(getattr(self, f"{step}_view")),
                      name=f"returns_returnrequest_{step}") for step in STEPS]
        return [*steps, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        buttons = []
        if obj is not None:
            buttons = [(reverse(f"admin:returns_returnrequest_{step}", args=[obj.pk]), label)
                       for step, (to, label) in STEPS.items()
                       if to in ALLOWED_MOVES[obj.status] and self._may_take(request, step, obj)]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "step_buttons": buttons})

    # The step pages

    def _may_take(self, request, step, obj) -> bool:
        permission = STEP_PERMISSIONS.get(step)
        return self.has_change_permission(request, obj) and (permission is None or request.user.has_perm(permission))

    def _step(self, request, pk, *, step, form, facts, run):
        """GET shows the form; a valid POST runs the service (run(form) -> success message) and goes back to the
        return; a ReturnError is shown on the form."""
        return_request = get_object_or_404(ReturnRequest.objects.select_related("order"), pk=pk)
        if not self._may_take(request, step, return_request):
            raise PermissionDenied
        if request.method == "POST" and form.is_valid():
            try:
                message = run(return_request, form)
            except ReturnError as error:
                form.add_error(None, str(error))
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:returns_returnrequest_change", return_request.pk)
        label = STEPS[step][1]
        return TemplateResponse(request, "admin/returns/returnrequest/step_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": return_request,
            "title": _("%(step)s: return for order %(order)s") % {"step": label, "order": return_request.order.number},
            "form": form, "submit": label,
            "facts": [(_("Order"), return_request.order.number), (_("Status"), return_request.get_status_display()),
                      (_("Reason"), return_request.reason), *facts],
            "lines": list(return_request.lines.select_related("order_line", "location")),
        })

    def approve_view(self, request, pk):
        def run(return_request, form):
            return_approve(request=return_request, user=request.user, note=form.cleaned_data["note"])
            return _("Return approved; the customer is asked to send the items back.")

        return self._step(request, pk, step="approve", form=ApproveForm(request.POST or None), facts=[], run=run)

    def refuse_view(self, request, pk):
        def run(return_request, form):
            return_refuse(request=return_request, user=request.user, note=form.cleaned_data["note"])
            return _("Return refused; the customer is told why.")

        return self._step(request, pk, step="refuse", form=RefuseForm(request.POST or None), facts=[], run=run)

    def receive_view(self, request, pk):
        lines = list(ReturnLine.objects.filter(request_id=pk).select_related("order_line"))

        def run(return_request, form):
            return_receive(request=return_request, outcomes=form.outcomes(), location=form.cleaned_data["location"],
                           user=request.user)
            return _("Items received; the stock ledger is updated.")

        return self._step(request, pk, step="receive", form=ReceiveForm(request.POST or None, lines=lines),
                          facts=[], run=run)

    def refund_view(self, request, pk):
        return_request = get_object_or_404(ReturnRequest.objects.select_related("order"), pk=pk)
        value = request_value(request=return_request)
        facts = [(_("Items"), money(value.goods)), (_("Their taxes"), money(value.tax)),
                 (_("To refund"), money(value.total))]

        def run(return_request, form):
            done = return_refund(request=return_request, user=request.user, amount=form.cleaned_data["amount"])
            return _("Refund of %(amount)s made.") % {"amount": money(done.refund_amount)}

        form = RefundForm(request.POST or None, initial={"amount": value.total})
        return self._step(request, pk, step="refund", form=form, facts=facts, run=run)
