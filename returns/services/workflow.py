"""A return from the customer's request to the goods back in the building.

A return moves only along ALLOWED_MOVES; each step is one transaction that locks the order, then the return, and
re-checks everything under those locks, so two clicks or two staff members cannot do a step twice. Each step
writes a line on the order's timeline and an email to the outbox in that same transaction.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.french import elide
from inventory import services as stock_services
from inventory.locations import StockLocation
from inventory.selectors import stock_ids_at
from orders.models import Order, OrderEvent

from ..models import ReturnLine, ReturnRequest
from ..selectors import request_value, return_last_day, returnable_lines
from .emails import return_email_queue
from .errors import ReturnError

S = ReturnRequest.Status
Outcome = ReturnLine.Outcome
ALLOWED_MOVES: dict[str, set[str]] = {
    S.REQUESTED: {S.APPROVED, S.REFUSED},
    S.APPROVED: {S.RECEIVED},
    S.RECEIVED: {S.REFUNDED},
    S.REFUSED: set(),
    S.REFUNDED: set(),
}
REASON_MAX = ReturnRequest._meta.get_field("reason").max_length
NOTE_MAX = ReturnRequest._meta.get_field("staff_note").max_length


def _who(user):
    return user if user is not None and user.is_authenticated else None


def _event(*, order: Order, note: Callable[[], str], user=None) -> None:
    """A line on the order's timeline, written in the order's language whoever acts (the timeline is the
    customer's): `note` makes its words, e.g. lambda: _("Return refunded: %(amount)s") % {...}. It keeps the
    order's status; the order page titles such a line by its note ("Return requested: …"), not by that status."""
    with translation.override(order.language):
        text = note()
    OrderEvent.objects.create(order=order, status=order.status, note=text[:255], created_by=_who(user))


def _items(pairs) -> str:
    """"2 × Stoneware Mug, 1 × Gooseneck Kettle"."""
    return ", ".join(f"{quantity} × {name}" for name, quantity in pairs)


def _locked(*, request: ReturnRequest, to: str) -> ReturnRequest:
    """The return and its order, locked (order first, as every order and payment service does), if it may move to
    `to`; raises ReturnError otherwise."""
    order = Order.objects.select_for_update().get(pk=request.order_id)
    locked = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    locked.order = order
    if to not in ALLOWED_MOVES[locked.status]:
        raise ReturnError(_("A return that is “%(current)s” cannot become “%(target)s”.")
                          % {"current": locked.get_status_display(), "target": S(to).label})
    return locked


def _clean_quantities(quantities: dict) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for line_id, quantity in (quantities or {}).items():
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise ReturnError(_("Enter a whole number of units, zero or more."))
        try:
            line_id = int(line_id)
        except (TypeError, ValueError) as error:
            raise ReturnError(_("This item is not part of the order.")) from error
        if quantity:
            wanted[line_id] = wanted.get(line_id, 0) + quantity
    return wanted


def return_request(*, order: Order, quantities: dict[int, int], reason: str, user=None) -> ReturnRequest:
    """The customer asks to send back `quantities` (order line id -> units) of a shipped order, within
    SHOP_RETURN_DAYS of its delivery. Only units shipped and not already in a return (other than a refused one)
    may be returned. Raises ReturnError and changes nothing otherwise."""
    reason = (reason or "").strip()
    if not reason:
        raise ReturnError(_("Please tell us why you are returning these items."))
    if len(reason) > REASON_MAX:
        raise ReturnError(_("Please keep the reason to %(max)d characters or fewer.") % {"max": REASON_MAX})
    wanted = _clean_quantities(quantities)
    if not wanted:
        raise ReturnError(_("Choose at least one item to return."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)  # one request at a time per order
        last_day = return_last_day(order=order)
        if last_day is None:
            raise ReturnError(_("This order has not shipped yet, so nothing can be returned."))
        if timezone.localdate() > last_day:
            raise ReturnError(_("The %(days)d-day return window for this order closed on %(day)s.")
                              % {"days": settings.SHOP_RETURN_DAYS,
                                 "day": formats.date_format(last_day, "DATE_FORMAT")})
        rows = {row.line.pk: row for row in returnable_lines(order=order)}
        for line_id, quantity in wanted.items():
            row = rows.get(line_id)
            if row is None:
                raise ReturnError(_("This item is not part of the order."))
            if quantity > row.returnable:
                raise ReturnError(_returnable_message(row))
        request = ReturnRequest.objects.create(order=order, reason=reason)
        ReturnLine.objects.bulk_create([ReturnLine(request=request, order_line=rows[line_id].line, quantity=quantity)
                                        for line_id, quantity in sorted(wanted.items())])
        _event(order=order, user=user, note=lambda: _("Return requested: %(items)s")
               % {"items": _items((rows[i].line.name, q) for i, q in sorted(wanted.items()))})
        return_email_queue(request=request, event="requested")
    return request


def _returnable_message(row) -> str:
    name = row.line.name
    if row.returnable:
        return elide(ngettext("You can return at most %(count)d of %(name)s.", "You can return at most %(count)d of "
                              "%(name)s.", row.returnable) % {"count": row.returnable, "name": name})
    if row.shipped:
        return elide(_("Every unit of %(name)s we shipped is already in a return.") % {"name": name})
    return _("%(name)s has not shipped yet, so it cannot be returned.") % {"name": name}


def return_approve(*, request: ReturnRequest, user=None, note: str = "") -> ReturnRequest:
    """Staff accept the return: the customer is asked to send the items back (with `note`, e.g. how)."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ReturnError(_("Please keep the note to %(max)d characters or fewer.") % {"max": NOTE_MAX})
    with transaction.atomic():
        request = _locked(request=request, to=S.APPROVED)
        request.status, request.decided_by = S.APPROVED, _who(user)
        request.staff_note = note or request.staff_note
        request.save(update_fields=["status", "decided_by", "staff_note", "updated_at"])
        _event(order=request.order, user=user, note=lambda: _("Return approved: please send the items back"))
        return_email_queue(request=request, event="approved", return_address=_return_address())
    return request


def _return_address() -> StockLocation | None:
    """Where returns go: the first active warehouse with an address."""
    return (StockLocation.objects.active().filter(kind=StockLocation.Kind.WAREHOUSE).exclude(address="")
            .order_by("priority", "pk").first())


def return_refuse(*, request: ReturnRequest, note: str, user=None) -> ReturnRequest:
    """Staff refuse the return, telling the customer why (`note` is required)."""
    note = (note or "").strip()
    if not note:
        raise ReturnError(_("Tell the customer why the return is refused."))
    if len(note) > NOTE_MAX:
        raise ReturnError(_("Please keep the note to %(max)d characters or fewer.") % {"max": NOTE_MAX})
    with transaction.atomic():
        request = _locked(request=request, to=S.REFUSED)
        request.status, request.decided_by, request.staff_note = S.REFUSED, _who(user), note
        request.save(update_fields=["status", "decided_by", "staff_note", "updated_at"])
        _event(order=request.order, user=user, note=lambda: _("Return refused: %(note)s") % {"note": note})
        return_email_queue(request=request, event="refused")
    return request


def return_receive(*, request: ReturnRequest, outcomes: dict[int, str], location: StockLocation,
                   user=None) -> ReturnRequest:
    """The items are back at `location`. Per return line (id -> outcome): "restock" puts the units back on the
    shelf (a RETURN ledger line); "write_off" records them coming back and being written off (two ledger lines,
    sellable stock unchanged). Every line needs an outcome."""
    if not isinstance(location, StockLocation) or not location.is_active:
        raise ReturnError(_("Choose the active stock location where the items arrived."))
    try:
        outcomes = {int(line_id): outcome for line_id, outcome in (outcomes or {}).items()}
    except (TypeError, ValueError) as error:
        raise ReturnError(_("Choose what happens to each returned item.")) from error
    with transaction.atomic():
        request = _locked(request=request, to=S.RECEIVED)
        lines = list(request.lines.select_related("order_line__variant"))
        if set(outcomes) != {line.pk for line in lines} or not set(outcomes.values()) <= set(Outcome.values):
            raise ReturnError(_("Choose what happens to each returned item: back on the shelf or written off."))
        # Stock rows are locked in primary-key order, as inventory does, so two receipts never deadlock.
        stock_ids = stock_ids_at(location=location, variant_ids=[ln.order_line.variant_id for ln in lines])
        order = request.order
        reason = _("Return of order %(number)s") % {"number": order.number}
        for line in sorted(lines, key=lambda ln: (stock_ids.get(ln.order_line.variant_id, float("inf")),
                                                  ln.order_line.variant_id, ln.pk)):
            line.outcome, line.location = outcomes[line.pk], location
            common = {"variant": line.order_line.variant, "location": location, "quantity": line.quantity,
                      "user": _who(user), "reason": reason, "reference": order.number}
            if line.outcome == Outcome.RESTOCK:
                stock_services.stock_return(**common)
            else:
                stock_services.stock_return_write_off(**common)
            line.save(update_fields=["outcome", "location"])
        request.status, request.decided_by = S.RECEIVED, _who(user) or request.decided_by
        request.save(update_fields=["status", "decided_by", "updated_at"])
        stock_services.restock_after_commit(
            variant_ids={ln.order_line.variant_id for ln in lines if ln.outcome == Outcome.RESTOCK})
        restocked = sum(ln.quantity for ln in lines if ln.outcome == Outcome.RESTOCK)
        written_off = sum(ln.quantity for ln in lines if ln.outcome == Outcome.WRITE_OFF)
        _event(order=order, user=user, note=lambda: _("Return received at %(location)s: %(restocked)d back on the "
                                                      "shelf, %(written_off)d written off")
               % {"location": location.name, "restocked": restocked, "written_off": written_off})
        return_email_queue(request=request, event="received", value=request_value(request=request))
    return request
