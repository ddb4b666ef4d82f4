"""Purchase orders: made from reorder suggestions, sent to the supplier (printable page, PDF, email through the
outbox), received into stock. Status moves only along ALLOWED_MOVES, through purchase_order_transition; each move is
a PurchaseOrderEvent, written in the same transaction."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import ProductVariant
from core.identity import seller_identity
from core.money import CENT
from core.pdf import pdf_from_html
from inventory import services as stock_services
from inventory.locations import StockLocation
from inventory.selectors import on_hand_by_variant
from outbox.services import attachment, email_queue_rendered

from ..models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    ReorderSuggestion,
    SupplierItem,
    SupplierTerms,
)

S = PurchaseOrder.Status
# A SKU's "updated" stamp (the REST API's ?updated_since=) moves with its cost, where the model has one.
_SYNC_STAMP = [f.name for f in ProductVariant._meta.concrete_fields if f.name == "updated_at"]
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.CANCELLED}),
    S.SENT: frozenset({S.PARTLY_RECEIVED, S.RECEIVED, S.CANCELLED}),
    S.PARTLY_RECEIVED: frozenset({S.PARTLY_RECEIVED, S.RECEIVED}),  # another partial delivery, or the last one
    S.RECEIVED: frozenset(),
    S.CANCELLED: frozenset(),
}


class PurchasingError(ValueError):
    """The purchase order cannot do that now; the message is for the person who asked."""


@transaction.atomic
def purchase_order_transition(*, order: PurchaseOrder, to: str, user=None, note: str = "") -> PurchaseOrder:
    """THE way a purchase order's status changes: along ALLOWED_MOVES, with a timeline event."""
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if to not in ALLOWED_MOVES[order.status]:
        raise PurchasingError(_("A purchase order that is “%(current)s” cannot become “%(target)s”.")
                              % {"current": order.get_status_display(), "target": S(to).label})
    order.status = to
    fields = ["status"]
    if to == S.SENT:
        order.sent_at = timezone.now()
        fields.append("sent_at")
    order.save(update_fields=fields)
    PurchaseOrderEvent.objects.create(order=order, status=to, note=note[:255],
                                      created_by=user if user is not None and user.is_authenticated else None)
    return order


def _number(order: PurchaseOrder) -> str:
    return f"PO-{order.pk:05d}"


@transaction.atomic
def purchase_orders_from_suggestions(*, suggestion_ids, user=None) -> list[PurchaseOrder]:
    """One draft purchase order per supplier (and delivery location) for the chosen suggestions, a line per SKU at
    the suggestion's quantity and the supplier's unit cost. Suggestions without a supplier, or already on a
    purchase order, are left alone. Expected: today + the supplier's lead time."""
    suggestions = list(ReorderSuggestion.objects.select_for_update()
                       .filter(pk__in=list(suggestion_ids), purchase_order__isnull=True, supplier__isnull=False)
                       .order_by("pk"))
    groups: dict[tuple[int, int], list[ReorderSuggestion]] = defaultdict(list)
    for suggestion in suggestions:
        groups[(suggestion.supplier_id, suggestion.location_id)].append(suggestion)
    terms = {t.supplier_id: t for t in SupplierTerms.objects.filter(supplier_id__in={s for s, _l in groups})}
    today = timezone.localdate()
    orders = []
    for (supplier_id, location_id), rows in sorted(groups.items()):
        lead = terms[supplier_id].lead_time_days if supplier_id in terms else 0
        order = PurchaseOrder.objects.create(
            supplier_id=supplier_id, location_id=location_id, expected_on=today + datetime.timedelta(days=lead),
            created_by=user if user is not None and user.is_authenticated else None)
        order.number = _number(order)
        order.save(update_fields=["number"])
        per_variant: dict[int, ReorderSuggestion] = {}
        quantities: dict[int, int] = defaultdict(int)
        for row in rows:
            per_variant.setdefault(row.variant_id, row)
            quantities[row.variant_id] += row.quantity
        PurchaseOrderLine.objects.bulk_create([
            PurchaseOrderLine(order=order, variant_id=variant_id, supplier_sku=row.supplier_sku,
                              quantity_ordered=quantities[variant_id], unit_cost=row.unit_cost or Decimal("0.00"))
            for variant_id, row in per_variant.items()])
        PurchaseOrderEvent.objects.create(order=order, status=S.DRAFT, note=_("From reorder suggestions"),
                                          created_by=order.created_by)
        ReorderSuggestion.objects.filter(pk__in=[row.pk for row in rows]).update(purchase_order=order)
        orders.append(order)
    return orders


def purchase_order_document(*, order: PurchaseOrder) -> dict:
    """What the printable page, the PDF and the email show."""
    lines = list(order.lines.select_related("variant__product").order_by("pk"))
    total = sum((line.unit_cost * line.quantity_ordered for line in lines), Decimal("0.00"))
    terms = SupplierTerms.objects.filter(supplier_id=order.supplier_id).first()
    return {"order": order, "lines": lines, "total": total, "supplier": order.supplier, "terms": terms,
            "seller": seller_identity(), "deliver_to": order.location}


def purchase_order_html(*, order: PurchaseOrder, for_pdf: bool = False) -> str:
    """The printable page (the PDF's too: without its Print button and script)."""
    return render_to_string("purchasing/purchase_order_print.html",
                            {**purchase_order_document(order=order), "for_pdf": for_pdf})


def purchase_order_pdf(*, order: PurchaseOrder) -> bytes:
    return pdf_from_html(purchase_order_html(order=order, for_pdf=True))


def _supplier_email(order: PurchaseOrder) -> str:
    terms = SupplierTerms.objects.filter(supplier_id=order.supplier_id).first()
    return (terms.order_email if terms and terms.order_email else "") or order.supplier.email


def purchase_order_send(*, order: PurchaseOrder, user=None) -> PurchaseOrder:
    """Draft -> sent: the supplier is emailed the order (its PDF attached) through the outbox. The PDF is made
    before the transaction (no slow work under the lock); the email row and the status move commit together."""
    order = PurchaseOrder.objects.select_related("supplier", "location").get(pk=order.pk)
    if order.status != S.DRAFT:
        raise PurchasingError(_("Only a draft purchase order can be sent; %(number)s is “%(status)s”.")
                              % {"number": order.number, "status": order.get_status_display()})
    if not order.lines.exists():
        raise PurchasingError(_("Purchase order %(number)s has no lines.") % {"number": order.number})
    to = _supplier_email(order)
    if not to:
        raise PurchasingError(_("%(supplier)s has no email for orders: add one to its supplier terms.")
                              % {"supplier": order.supplier})
    language = order.supplier.language or "en"
    with translation.override(language):
        pdf = purchase_order_pdf(order=order)
    with transaction.atomic():
        order = purchase_order_transition(order=order, to=S.SENT, user=user, note=_("Emailed to %(to)s") % {"to": to})
        email_queue_rendered(
            to=to, template="emails/purchasing/purchase_order", language=language, reference=order.number,
            context=purchase_order_document(order=order),
            attachments=[attachment(name=f"{order.number}.pdf", content=pdf)])
    return order


def average_cost(*, old_cost: Decimal | None, on_hand: int, unit_cost: Decimal, received: int) -> Decimal:
    """The weighted average cost after a receipt: (units on hand × old cost + units received × their cost) ÷ all
    the units, rounded half up to the cent. Without an old cost, or with nothing on hand, the receipt's cost."""
    on_hand = max(on_hand, 0)
    if old_cost is None or on_hand == 0:
        return unit_cost.quantize(CENT, ROUND_HALF_UP)
    return ((old_cost * on_hand + unit_cost * received) / (on_hand + received)).quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def purchase_order_receive(*, order: PurchaseOrder, quantities: dict[int, int], location: StockLocation,
                           user=None) -> PurchaseOrder:
    """Record a delivery: `quantities` is {line id: units received now}. Each line's units are a receipt movement
    in the ledger (inventory.services.stock_receive) at `location`, the SKU's cost price becomes the weighted
    average (average_cost), and the order becomes partly or fully received. Receiving more than a line has left
    is refused and nothing is recorded. Once committed, waiting backorders take the units, oldest order first
    (inventory's restock hook, as the receipt form does)."""
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in (S.SENT, S.PARTLY_RECEIVED):
        raise PurchasingError(_("Goods are received against a sent purchase order; %(number)s is “%(status)s”.")
                              % {"number": order.number, "status": order.get_status_display()})
    lines = {line.pk: line for line in PurchaseOrderLine.objects.select_for_update().filter(order=order)
             .select_related("variant").order_by("pk")}
    wanted = {int(pk): qty for pk, qty in quantities.items() if qty}
    for pk, qty in wanted.items():
        line = lines.get(pk)
        if line is None or not isinstance(qty, int) or qty < 0:
            raise PurchasingError(_("Enter a whole number of units, zero or more, for each line."))
        if qty > line.quantity_left:
            raise PurchasingError(
                _("%(sku)s: %(qty)d units cannot be received, only %(left)d of the %(ordered)d ordered are still "
                  "expected.") % {"sku": line.variant.sku, "qty": qty, "left": line.quantity_left,
                                  "ordered": line.quantity_ordered})
    if not wanted:
        raise PurchasingError(_("Enter the units received on at least one line."))
    variant_ids = sorted({lines[pk].variant_id for pk in wanted})
    variants = {v.pk: v for v in ProductVariant.objects.select_for_update().filter(pk__in=variant_ids).order_by("pk")}
    on_hand = on_hand_by_variant(variant_ids)
    for pk in sorted(wanted):
        line, qty = lines[pk], wanted[pk]
        variant = variants[line.variant_id]
        new_cost = average_cost(old_cost=variant.cost_price, on_hand=on_hand.get(variant.pk, 0),
                                unit_cost=line.unit_cost, received=qty)
        variant.cost_price = new_cost
        variant.save(update_fields=["cost_price", *_SYNC_STAMP])
        on_hand[variant.pk] = on_hand.get(variant.pk, 0) + qty
        stock_services.stock_receive(variant=variant, location=location, quantity=qty, user=user,
                                     reason=_("Purchase order %(number)s") % {"number": order.number},
                                     reference=order.number)
        line.quantity_received += qty
        line.save(update_fields=["quantity_received"])
    stock_services.restock_after_commit(variant_ids=variant_ids, user=user)
    done = all(line.quantity_left == 0 for line in lines.values())
    note = ", ".join(f"{wanted[pk]} × {lines[pk].variant.sku}" for pk in sorted(wanted))
    return purchase_order_transition(order=order, to=S.RECEIVED if done else S.PARTLY_RECEIVED, user=user,
                                     note=_("Received at %(location)s: %(lines)s")
                                     % {"location": location.name, "lines": note})


def purchase_order_cancel(*, order: PurchaseOrder, user=None, note: str = "") -> PurchaseOrder:
    return purchase_order_transition(order=order, to=S.CANCELLED, user=user, note=note)


@transaction.atomic
def purchase_order_create(*, supplier, location: StockLocation, lines: list[tuple[ProductVariant, int, Decimal | None]],
                          expected_on: datetime.date | None = None, notes: str = "", user=None) -> PurchaseOrder:
    """A draft purchase order made from a list of (SKU, quantity, unit cost or None) — the REST API's way in. A unit
    cost left out is the supplier's (its SupplierItem for that SKU; the supplier SKU is copied from it too); a SKU
    the supplier does not list needs its unit cost. The same SKU twice is one line (quantities added, the first
    cost kept). Expected: today + the supplier's lead time unless given."""
    if not lines:
        raise PurchasingError(_("A purchase order needs at least one line."))
    items = {item.variant_id: item for item in
             SupplierItem.objects.filter(supplier=supplier, variant_id__in={variant.pk for variant, _q, _c in lines})}
    merged: dict[int, list] = {}
    for variant, quantity, unit_cost in lines:
        if quantity < 1:
            raise PurchasingError(_("%(sku)s: order one unit or more.") % {"sku": variant.sku})
        if variant.pk in merged:
            merged[variant.pk][1] += quantity
            continue
        item = items.get(variant.pk)
        if unit_cost is None:
            if item is None:
                raise PurchasingError(_("%(sku)s is not among %(supplier)s's items: give its unit cost.")
                                      % {"sku": variant.sku, "supplier": supplier})
            unit_cost = item.unit_cost
        merged[variant.pk] = [variant, quantity, unit_cost.quantize(CENT, ROUND_HALF_UP),
                              item.supplier_sku if item else ""]
    if expected_on is None:
        terms = SupplierTerms.objects.filter(supplier=supplier).first()
        expected_on = timezone.localdate() + datetime.timedelta(days=terms.lead_time_days if terms else 0)
    by = user if user is not None and user.is_authenticated else None
    order = PurchaseOrder.objects.create(supplier=supplier, location=location, expected_on=expected_on, notes=notes,
                                         created_by=by)
    order.number = _number(order)
    order.save(update_fields=["number"])
    PurchaseOrderLine.objects.bulk_create([
        PurchaseOrderLine(order=order, variant=variant, supplier_sku=supplier_sku, quantity_ordered=quantity,
                          unit_cost=unit_cost)
        for variant, quantity, unit_cost, supplier_sku in merged.values()])
    PurchaseOrderEvent.objects.create(order=order, status=S.DRAFT, note=_("Created through the API"), created_by=by)
    return order


@transaction.atomic
def purchase_order_created(*, order: PurchaseOrder, user=None) -> PurchaseOrder:
    """A draft made by hand in the admin (already saved): its number and the first line of its timeline."""
    if not order.number:
        order.number = _number(order)
        order.save(update_fields=["number"])
        PurchaseOrderEvent.objects.create(order=order, status=S.DRAFT, note=_("Created by hand"),
                                          created_by=user if user is not None and user.is_authenticated else None)
    return order
