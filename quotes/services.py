"""Every write of a quote: requested by a customer, priced and sent by staff, accepted or declined by the customer,
ordered through checkout, expired by the daily job. Status moves only along ALLOWED_MOVES; each move is a line of
the customer's CRM timeline, written in the same transaction. Emails go through the outbox.

Checkout sits above this app: it calls quote_accept (then puts the line into the cart, in the same transaction),
quotes_check_orderable and quotes_mark_ordered (inside order_place's transaction)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.money import money
from crm.services.contacts import contact_for_email
from crm.services.interactions import interaction_record
from outbox.services import email_queue_rendered

from . import links
from .models import Quote, attachment_path, private_storage

S = Quote.Status
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.QUOTED, S.DECLINED}),
    S.QUOTED: frozenset({S.QUOTED, S.ACCEPTED, S.DECLINED, S.EXPIRED}),  # quoted again: a revised price
    S.ACCEPTED: frozenset({S.ORDERED, S.EXPIRED}),
    S.EXPIRED: frozenset({S.QUOTED}),  # staff may quote again with a new validity date
    S.DECLINED: frozenset(),
    S.ORDERED: frozenset(),
}


class QuoteError(ValueError):
    """The quote cannot do that now; the message is for the person who asked."""


@dataclass(frozen=True)
class Attachment:
    """A file the form has checked (quotes.forms): its content is a PDF, PNG or JPEG of at most the allowed size."""

    file: UploadedFile
    kind: str  # "pdf", "png" or "jpeg"
    original_name: str

    CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


def _timeline(quote: Quote, subject: str, body: str = "", *, user=None) -> None:
    """A line on the customer's CRM timeline. Callers build the texts under _staff_language()."""
    if quote.contact_id is None:
        return
    interaction_record(contact=quote.contact, subject=subject, body=body, created_by=user)


def _staff_language():
    """The CRM timeline is read by staff: written in the shop's language, whatever the customer's."""
    return translation.override(settings.LANGUAGE_CODE)


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _move(quote: Quote, to: str) -> None:
    if to not in ALLOWED_MOVES[quote.status]:
        raise QuoteError(_("This quote is %(status)s: it cannot be %(to)s now.") % {
            "status": quote.get_status_display().lower(), "to": S(to).label.lower()})
    quote.status = to


def quote_request(*, product, variant, name: str, email: str, phone: str, specifics: str, quantity: int,
                  wanted_on: datetime.date | None, language: str, user=None,
                  attachment: Attachment | None = None) -> Quote:
    """Record a customer's request, on their CRM contact's timeline, and queue the acknowledgement email.
    The attachment is written to storage before the transaction (and removed again if the transaction fails)."""
    if not product.made_to_order or variant.product_id != product.pk:
        raise QuoteError(_("This product is not made to order."))
    stored = ""
    if attachment is not None:
        safe = f"request.{Attachment.EXTENSIONS[attachment.kind]}"
        stored = private_storage().save(attachment_path(None, safe), attachment.file)
    try:
        with transaction.atomic():
            signed_in = user is not None and user.is_authenticated
            # A signed-in customer is their account's contact (as at checkout), a guest the email's.
            contact_email = user.email if signed_in and user.email else email
            contact = contact_for_email(email=contact_email, name=name, user=user, language=language)
            quote = Quote.objects.create(
                product=product, variant=variant, user=user if signed_in else None, contact=contact,
                language=language, name=name, email=email, phone=phone, specifics=specifics, quantity=quantity,
                wanted_on=wanted_on, attachment=stored,
                attachment_name=attachment.original_name[:255] if attachment else "",
                attachment_type=Attachment.CONTENT_TYPES[attachment.kind] if attachment else "",
            )
            with _staff_language():
                _timeline(quote, _("Quote %(ref)s requested") % {"ref": quote.reference}, _(
                    "%(quantity)d × %(product)s, wanted by %(wanted)s.") % {
                    "quantity": quantity, "product": product.name, "wanted": _date(wanted_on) or "—",
                } + "\n\n" + specifics)
            email_queue_rendered(
                to=email, template="emails/quotes/requested", language=language, reference=quote.reference,
                context={"quote": quote, "product_name": _product_name(quote, language)},
            )
    except Exception:
        if stored:
            private_storage().delete(stored)
        raise
    return quote


def _product_name(quote: Quote, language: str) -> str:
    with translation.override(language):
        return quote.product.name


def quote_send(*, quote_id: int, unit_price: Decimal, lead_time_days: int, valid_until: datetime.date,
               message: str = "", user=None) -> Quote:
    """Staff's reply: the price, lead time and validity, emailed to the customer with the signed link to the quote.
    Sending again (a revised price, or a new validity after it expired) replaces the previous reply."""
    if unit_price is None or unit_price < 0:
        raise QuoteError(_("Give a unit price of zero or more."))
    if lead_time_days is None or lead_time_days < 0:
        raise QuoteError(_("Give the lead time in days."))
    if valid_until is None or valid_until < timezone.localdate():
        raise QuoteError(_("The quote must be valid until today or later."))
    with transaction.atomic():
        quote = (Quote.objects.select_for_update(of=("self",)).select_related("product", "contact")
                 .filter(pk=quote_id).first())
        if quote is None:
            raise QuoteError(_("This quote no longer exists."))
        _move(quote, S.QUOTED)
        quote.unit_price = unit_price.quantize(Decimal("0.01"))
        quote.lead_time_days = lead_time_days
        quote.valid_until = valid_until
        quote.message = message
        quote.quoted_at = timezone.now()
        quote.quoted_by = user if user is not None and user.is_authenticated else None
        quote.closed_at = None
        quote.save()
        with _staff_language():
            body = _("%(quantity)d × %(price)s = %(total)s; lead time %(days)d days; valid until %(until)s.") % {
                "quantity": quote.quantity, "price": money(quote.unit_price), "total": money(quote.total),
                "days": lead_time_days, "until": _date(valid_until)}
            if message:
                body += "\n\n" + message
            _timeline(quote, _("Quote %(ref)s sent: %(total)s") % {"ref": quote.reference,
                                                                    "total": money(quote.total)}, body, user=user)
        email_queue_rendered(
            to=quote.email, template="emails/quotes/quoted", language=quote.language, reference=quote.reference,
            context={"quote": quote, "product_name": _product_name(quote, quote.language),
                     "quote_url": links.quote_url(quote)},
        )
    return quote


def quote_accept(*, quote_id: int, user=None) -> Quote:
    """The customer accepts, from the signed link: once, and only while the quote is valid. Runs in the caller's
    transaction when there is one (checkout then puts the line into the cart), the quote row locked."""
    with transaction.atomic():
        quote = (Quote.objects.select_for_update(of=("self",)).select_related("product", "variant", "contact")
                 .filter(pk=quote_id).first())
        if quote is None:
            raise QuoteError(_("This quote no longer exists."))
        if quote.status in (S.ACCEPTED, S.ORDERED):
            raise QuoteError(_("This quote was already accepted."))
        if quote.status == S.EXPIRED or (quote.status == S.QUOTED and quote.is_past_validity):
            raise QuoteError(_("This quote expired on %(date)s and can no longer be accepted. Please ask us for a "
                               "new quote.") % {"date": _date(quote.valid_until)})
        if quote.status != S.QUOTED:
            raise QuoteError(_("This quote cannot be accepted."))
        _move(quote, S.ACCEPTED)
        quote.accepted_at = timezone.now()
        quote.save(update_fields=["status", "accepted_at", "updated_at"])
        with _staff_language():
            _timeline(quote, _("Quote %(ref)s accepted: %(total)s") % {"ref": quote.reference,
                                                                        "total": money(quote.total)}, user=user)
    return quote


def quote_decline(*, quote_id: int, user=None, by_staff: bool = False) -> Quote:
    """The customer declines the quote (from the link), or staff decline a request they will not quote."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update(of=("self",)).select_related("contact").filter(pk=quote_id).first()
        if quote is None:
            raise QuoteError(_("This quote no longer exists."))
        _move(quote, S.DECLINED)
        quote.closed_at = timezone.now()
        quote.save(update_fields=["status", "closed_at", "updated_at"])
        with _staff_language():
            subject = (_("Quote %(ref)s declined by us") if by_staff
                       else _("Quote %(ref)s declined by the customer")) % {"ref": quote.reference}
            _timeline(quote, subject, user=user)
    return quote


def quotes_expire(*, today: datetime.date | None = None) -> int:
    """Quotes sent or accepted (not ordered) whose validity date is past become "expired" (the daily job; safe to
    run any time). Returns how many."""
    today = today or timezone.localdate()
    expired = 0
    ids = list(Quote.objects.filter(status__in=[S.QUOTED, S.ACCEPTED], valid_until__lt=today)
               .order_by("pk").values_list("pk", flat=True))
    for quote_id in ids:
        with transaction.atomic():
            quote = Quote.objects.select_for_update(of=("self",)).select_related("contact").get(pk=quote_id)
            if quote.status not in (S.QUOTED, S.ACCEPTED) or not quote.valid_until < today:
                continue
            _move(quote, S.EXPIRED)
            quote.closed_at = timezone.now()
            quote.save(update_fields=["status", "closed_at", "updated_at"])
            with _staff_language():
                _timeline(quote, _("Quote %(ref)s expired") % {"ref": quote.reference})
            expired += 1
    return expired


def quotes_check_orderable(*, quantities: dict[int, int]) -> list[Quote]:
    """Inside order_place's transaction: the quotes of the cart's quoted lines ({quote id: quantity in the cart}),
    locked in pk order. Raises QuoteError (for the customer) if one is not accepted, expired or not the quantity
    quoted."""
    quotes = list(Quote.objects.select_for_update(of=("self",)).select_related("contact")
                  .filter(pk__in=list(quantities)).order_by("pk"))
    if len(quotes) != len(quantities):
        raise QuoteError(_("A quoted item in your cart is no longer available. Please remove it."))
    for quote in quotes:
        if quote.status == S.ORDERED:
            raise QuoteError(_("Quote %(ref)s was already ordered. Please remove it from your cart.")
                             % {"ref": quote.reference})
        if quote.status == S.EXPIRED or quote.is_past_validity:
            raise QuoteError(_("Quote %(ref)s expired on %(date)s: its price no longer holds. Please remove it "
                               "from your cart and ask us for a new quote.")
                             % {"ref": quote.reference, "date": _date(quote.valid_until)})
        if quote.status != S.ACCEPTED:
            raise QuoteError(_("Quote %(ref)s is not accepted. Please remove it from your cart.")
                             % {"ref": quote.reference})
        if quantities[quote.pk] != quote.quantity:
            raise QuoteError(_("Quote %(ref)s is for %(count)d units.") % {"ref": quote.reference,
                                                                            "count": quote.quantity})
    return quotes


def quotes_mark_ordered(*, quotes: list[Quote], order) -> None:
    """Inside order_place's transaction, after quotes_check_orderable: each quote is "ordered", linked to the
    order, and the order is on the customer's timeline."""
    now = timezone.now()
    for quote in quotes:
        _move(quote, S.ORDERED)
        quote.order = order
        quote.ordered_at = now
        quote.save(update_fields=["status", "order", "ordered_at", "updated_at"])
        with _staff_language():
            _timeline(quote, _("Quote %(ref)s ordered: order %(number)s") % {"ref": quote.reference,
                                                                              "number": order.number})
