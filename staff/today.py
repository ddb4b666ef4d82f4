"""The admin home's "Today" panel: what is waiting for staff, each count a link to the list that shows exactly those
rows (a list filter of the owning app's admin, or the Orders to prepare page).

A member sees an item only with the view (or change) permission on the list it opens, per object kind. Each item
is one COUNT on an indexed column, so the panel costs one query per item it shows:
- orders to prepare, pickups waiting: orders.Order's (status, -created_at) index "order_status_recent";
- late orders: the promised_on index, or the status one;
- invoices overdue: payments.Invoice's (status, due_on) index "invoice_open_due";
- customer questions: help.CustomerQuestion's status index;
- product questions: the answers' question_id index for "no published answer" (questions are few);
- low stock: a scan of the stock table (one row per SKU and location, no comparison of two columns is indexable);
- failed emails: the outbox table by status (no index of its own: see the report to the lead).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.selectors import questions_unanswered
from help.models import CustomerQuestion
from inventory.selectors import stock_low
from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Invoice
from shipping.services.pickups import pickups_for, pickups_not_collected
from shipping.services.shipments import orders_to_prepare_count, pickups_waiting


@dataclass(frozen=True)
class TodayItem:
    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class _Item:
    key: str
    label: str
    model: str  # "app_label.model_name" of the list the count opens: the view (or change) permission on it
    url: Callable[[], str]
    count: Callable[..., int]
    for_user: bool = False  # count(user): only what that member's list shows (their stores' pickups)


def _changelist(model: str, query: str) -> Callable[[], str]:
    app_label, model_name = model.split(".")
    return lambda: reverse(f"admin:{app_label}_{model_name}_changelist") + query


ITEMS = [
    _Item("to_prepare", _("Orders to prepare"), "shipping.shipment",
          lambda: reverse("admin:shipping_shipment_to_prepare"), orders_to_prepare_count),
    _Item("late", _("Late orders"), "orders.order", _changelist("orders.order", "?late=yes"),
          lambda: Order.objects.late().count()),
    _Item("pickups", _("Pickups waiting"), "orders.order", _changelist("orders.order", "?pickup=waiting"),
          lambda: pickups_waiting().count()),
    _Item("pickups_not_collected", _("Pickups not collected in time"), "shipping.pickup",
          _changelist("shipping.pickup", "?step=not_collected"),
          lambda user: pickups_for(user=user, queryset=pickups_not_collected()).count(), for_user=True),
    _Item("overdue", _("Invoices overdue"), "payments.invoice", _changelist("payments.invoice", "?state=overdue"),
          lambda: Invoice.objects.overdue().count()),
    _Item("customer_questions", _("Customer questions to answer"), "help.customerquestion",
          _changelist("help.customerquestion", "?status__exact=" + CustomerQuestion.Status.NEW),
          lambda: CustomerQuestion.objects.filter(status=CustomerQuestion.Status.NEW).count()),
    _Item("product_questions", _("Product questions unanswered"), "community.productquestion",
          _changelist("community.productquestion", "?answered=no"), lambda: questions_unanswered().count()),
    _Item("low_stock", _("Low stock"), "inventory.stock", _changelist("inventory.stock", "?low=yes"),
          lambda: stock_low().count()),
    _Item("failed_emails", _("Failed emails"), "outbox.outboxemail",
          _changelist("outbox.outboxemail", "?status__exact=" + OutboxEmail.Status.FAILED),
          lambda: OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()),
]


def _may_view(user, model: str) -> bool:
    app_label, model_name = model.split(".")
    return user.has_perm(f"{app_label}.view_{model_name}") or user.has_perm(f"{app_label}.change_{model_name}")


def today_items(*, user) -> list[TodayItem]:
    """The items `user` may open, with their counts: one COUNT query per item (the permissions are the ones the
    admin has already read for the request)."""
    return [TodayItem(key=item.key, label=item.label, count=item.count(user) if item.for_user else item.count(),
                      url=item.url())
            for item in ITEMS if user.is_active and user.is_staff and _may_view(user, item.model)]
