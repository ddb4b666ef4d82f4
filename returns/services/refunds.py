"""The last step of a return: what the returned items were worth goes back to the customer through payments.

What the customer still owes on the order is credited first (a credit note, no money moves: an order on account
not yet paid); the rest is refunded on the order's received payments (a card through Stripe after commit, a cheque
or transfer recorded as sent), each refund bringing its own credit note, so the invoice and the statement stay
right. Shipping and handling are not refunded.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.money import money
from payments.models import ZERO, Invoice, Payment
from payments.services import PaymentError
from payments.services.credits import invoice_credit
from payments.services.refunds import refund_create

from ..models import ReturnRequest
from ..selectors import request_value
from .emails import return_email_queue
from .errors import ReturnError
from .workflow import S, _event, _items, _locked, _who


def return_refund(*, request: ReturnRequest, user=None, amount: Decimal | None = None) -> ReturnRequest:
    """Refund a received return: by default the value of its units with their share of the order's taxes
    (selectors.return_value); staff may give less (`amount`), never more. Raises ReturnError and changes nothing
    when the return is not received, the amount is wrong, or the payments cannot cover it."""
    with transaction.atomic():
        request = _locked(request=request, to=S.REFUNDED)
        order = request.order
        value = request_value(request=request).total
        if amount is None:
            amount = value
        amount = Decimal(amount)
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount <= ZERO:
            raise ReturnError(_("Enter an amount in dollars and cents, more than zero."))
        if amount > value:
            raise ReturnError(_("The returned items are worth %(value)s; the refund cannot be more.")
                              % {"value": money(value)})
        invoice = Invoice.objects.select_for_update().filter(order=order).first()
        owed = invoice.balance if invoice is not None and invoice.status != Invoice.Status.VOID else ZERO
        credit = min(amount, max(owed, ZERO))
        to_refund = amount - credit
        payments = list(Payment.objects.select_for_update().filter(order=order, status=Payment.Status.SUCCEEDED)
                        .order_by("created_at", "pk"))
        shares = []
        for payment in payments:
            take = min(to_refund - sum(s for _p, s in shares), payment.refundable())
            if take > ZERO:
                shares.append((payment, take))
        if sum((s for _p, s in shares), start=ZERO) < to_refund:
            raise ReturnError(_("Only %(left)s can still be refunded or credited on this order.")
                              % {"left": money(sum((p.refundable() for p in payments), start=ZERO) + credit)})
        lines = list(request.lines.select_related("order_line"))
        reason = (_("Returned: %(items)s") % {"items": _items((ln.order_line.name, ln.quantity) for ln in lines)})
        try:
            if credit:
                request.credit_note = invoice_credit(order=order, amount=credit, reason=reason, user=user)
            refunds = [refund_create(payment=payment, amount=share, reason=reason, user=user, locked=True)
                       for payment, share in shares]
        except PaymentError as error:
            raise ReturnError(str(error)) from error
        request.refund = refunds[0] if refunds else None
        request.refund_amount = amount
        request.status, request.decided_by = S.REFUNDED, _who(user) or request.decided_by
        request.save(update_fields=["status", "decided_by", "refund", "credit_note", "refund_amount", "updated_at"])
        _event(order=order, user=user, note=lambda: _("Return refunded: %(amount)s") % {"amount": money(amount)})
        return_email_queue(request=request, event="refunded", amount=amount, credited=credit, refunded=to_refund,
                           by_card=any(p.method == Payment.Method.CARD for p, _s in shares))
    return request
