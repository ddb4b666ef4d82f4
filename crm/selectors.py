"""Reads for the customer 360 page: everything that happened with one contact, newest first, and what went wrong.

Orders, emails, returns and payments are read live from their own tables (an order belongs to the contact through
its user account or its email); interactions and consent events are the CRM's own rows. A fixed number of
queries whatever the history's length.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Payment
from returns.models import ReturnRequest
from returns.selectors import RETURN_STEP_WORDS, latest_return_status
from shipping.models import Shipment

from .models import ConsentEvent, Contact, Interaction


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str  # order, email, return, payment_failed, late, interaction, consent
    title: str
    detail: str
    url: str


@dataclass
class ContactActivity:
    orders: list[Order]
    emails: list[OutboxEmail]
    returns: list[ReturnRequest]
    failed_payments: list[Payment]
    interactions: list[Interaction]
    consent_events: list[ConsentEvent]

    @property
    def late_orders(self) -> list[Order]:
        return [order for order in self.orders if order.is_late]


def _admin_url(name: str, pk: int) -> str:
    try:
        return reverse(f"admin:{name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def contact_orders(*, contact: Contact):
    """The contact's orders (placed with their account or sent to their email), newest first."""
    match = Q(pk__in=[])
    if contact.user_id is not None:
        match |= Q(user_id=contact.user_id)
    if contact.email:
        match |= Q(email__iexact=contact.email)
    return Order.objects.filter(match).order_by("-created_at", "-pk")


def contact_activity(*, contact: Contact) -> ContactActivity:
    """Six queries: orders, emails, returns, failed payments, interactions, consent events."""
    orders = list(contact_orders(contact=contact))
    order_ids = [order.pk for order in orders]
    by_id = {order.pk: order for order in orders}
    returns = list(ReturnRequest.objects.filter(order_id__in=order_ids).order_by("-created_at", "-pk"))
    failed = list(Payment.objects.filter(order_id__in=order_ids, status=Payment.Status.FAILED)
                  .order_by("-updated_at", "-pk"))
    for row in (*returns, *failed):  # the order is already loaded: no query per row
        row.order = by_id[row.order_id]
    emails = list(OutboxEmail.objects.filter(to__iexact=contact.email).order_by("-created_at", "-pk")
                  if contact.email else [])
    interactions = list(contact.interactions.select_related("created_by").order_by("-occurred_at", "-pk"))
    consent_events = list(contact.consent_events.order_by("-occurred_at", "-pk"))
    return ContactActivity(orders=orders, emails=emails, returns=returns, failed_payments=failed,
                           interactions=interactions, consent_events=consent_events)


def _timeline(activity: ContactActivity) -> list[TimelineItem]:
    from core.money import money

    tz = timezone.get_current_timezone()
    items = []
    for order in activity.orders:
        items.append(TimelineItem(
            at=order.created_at, kind="order", title=_("Order %(number)s") % {"number": order.number},
            detail=f"{order.get_status_display()} · {money(order.total)}",
            url=_admin_url("orders_order", order.pk)))
        if order.is_late:
            promised = datetime.datetime.combine(order.promised_on, datetime.time.max, tzinfo=tz)
            items.append(TimelineItem(
                at=promised, kind="late", title=_("Delivery late: order %(number)s") % {"number": order.number},
                detail=_("Promised by %(day)s; still %(status)s.") % {
                    "day": order.promised_on.isoformat(), "status": order.get_status_display().lower()},
                url=_admin_url("orders_order", order.pk)))
    for email in activity.emails:
        items.append(TimelineItem(
            at=email.sent_at or email.created_at, kind="email", title=_("Email: %(subject)s") % {
                "subject": email.subject}, detail=email.get_status_display(),
            url=_admin_url("outbox_outboxemail", email.pk)))
    for return_request in activity.returns:
        items.append(TimelineItem(
            at=return_request.created_at, kind="return",
            title=_("Return for order %(number)s") % {"number": return_request.order.number},
            detail=f"{return_request.get_status_display()} · {return_request.reason[:120]}",
            url=_admin_url("returns_returnrequest", return_request.pk)))
    for payment in activity.failed_payments:
        items.append(TimelineItem(
            at=payment.updated_at, kind="payment_failed",
            title=_("Payment failed: order %(number)s") % {"number": payment.order.number},
            detail=f"{payment.get_method_display()} {money(payment.amount)}"
                   + (f" · {payment.failure_message}" if payment.failure_message else ""),
            url=_admin_url("payments_payment", payment.pk)))
    for interaction in activity.interactions:
        detail = interaction.body[:200]
        if interaction.is_open:
            detail = f"{_('Needs an answer.')} {detail}".strip()
        items.append(TimelineItem(at=interaction.occurred_at, kind="interaction", title=str(interaction),
                                  detail=detail, url=""))
    for event in activity.consent_events:
        basis = f" ({event.get_basis_display()})" if event.basis else ""
        items.append(TimelineItem(
            at=event.occurred_at, kind="consent",
            title=_("Consent %(action)s: %(purpose)s") % {"action": event.get_action_display().lower(),
                                                          "purpose": event.get_purpose_display()},
            detail=f"{event.source}{basis}", url=_admin_url("crm_consentevent", event.pk)))
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def _problems(activity: ContactActivity) -> list[str]:
    problems = []
    if late := len(activity.late_orders):
        problems.append(ngettext("%(count)d late delivery", "%(count)d late deliveries", late) % {"count": late})
    if returns := len(activity.returns):
        still_open = sum(1 for r in activity.returns if r.is_open)
        text = ngettext("%(count)d return", "%(count)d returns", returns) % {"count": returns}
        if still_open:
            text += " " + _("(%(count)d open)") % {"count": still_open}
        problems.append(text)
    if failed := len(activity.failed_payments):
        problems.append(ngettext("%(count)d failed payment", "%(count)d failed payments", failed) % {"count": failed})
    if questions := sum(1 for i in activity.interactions if i.is_open):
        problems.append(ngettext("%(count)d open question", "%(count)d open questions", questions)
                        % {"count": questions})
    return problems


def contact_timeline(*, contact: Contact) -> list[TimelineItem]:
    return _timeline(contact_activity(contact=contact))


def contact_problems(*, contact: Contact) -> list[str]:
    return _problems(contact_activity(contact=contact))


def contact_overview(*, contact: Contact) -> tuple[list[str], list[TimelineItem]]:
    """Problems and timeline together, from one read of the contact's activity (for the 360 page)."""
    activity = contact_activity(contact=contact)
    return _problems(activity), _timeline(activity)


ACCOUNT_ORDERS_PER_PAGE = 25


@dataclass
class AccountOrdersPage:
    orders: list[Order]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def account_orders(*, user, page: int = 1) -> AccountOrdersPage:
    """One page of the signed-in customer's orders, newest first, each with `latest_shipment` (None before
    shipping) and `return_words` (where its latest return stands, "" without one). Two queries whatever the number
    of orders: one more row than the page is read to know whether an older page follows, so no count is needed."""
    start = (page - 1) * ACCOUNT_ORDERS_PER_PAGE
    orders = list(
        Order.objects.filter(user=user).annotate(latest_return_status=latest_return_status())
        .order_by("-created_at", "-pk").prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.select_related("carrier").order_by("-shipped_at", "-pk"),
                     to_attr="shipments_newest_first")
        )[start:start + ACCOUNT_ORDERS_PER_PAGE + 1]
    )
    has_next = len(orders) > ACCOUNT_ORDERS_PER_PAGE
    orders = orders[:ACCOUNT_ORDERS_PER_PAGE]
    for order in orders:
        order.latest_shipment = order.shipments_newest_first[0] if order.shipments_newest_first else None
        order.return_words = RETURN_STEP_WORDS.get(order.latest_return_status, "")
    return AccountOrdersPage(orders=orders, number=page, has_next=has_next)
