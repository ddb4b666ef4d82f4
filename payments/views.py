"""The Stripe webhook, the customer's account statement, and the invoice and credit-note documents. ("Pay now"
for an unpaid card order starts the card payment like checkout does: checkout.views.order_pay.)"""

import logging
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.access import order_for_request

from . import documents, gateway
from .models import CreditNote, Invoice
from .selectors import statement_for
from .services.card import stripe_event_handle

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's calls. A bad signature, or a signed body that is not an event the shop can read, changes nothing
    (400, logged); an error while applying the event answers 500 and Stripe delivers it again later; the event's
    id makes every redelivery harmless."""
    try:
        event = gateway.event_verify(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except gateway.SignatureInvalid as refused:
        logger.warning("Stripe webhook with a bad signature from %s: %s", request.META.get("REMOTE_ADDR"), refused)
        return HttpResponseBadRequest("invalid signature")
    except gateway.EventMalformed as refused:
        logger.warning("Stripe webhook with an unexpected shape from %s: %s", request.META.get("REMOTE_ADDR"), refused)
        return HttpResponseBadRequest("unexpected event shape")
    outcome = stripe_event_handle(event=event)
    return HttpResponse(outcome, content_type="text/plain")


@login_required
def statement(request):
    return render(request, "payments/statement.html", {"statement": statement_for(user=request.user)})


# --- invoices and credit notes: the page to print and its PDF -----------------------------------------------------
# The order's customer (signed in, or holding the emailed link) and staff who may see invoices (Accounts, Managers):
# orders.access decides, as for the order's page. The PDF is the same page laid out by WeasyPrint.

VIEW_INVOICE = "payments.view_invoice"


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _token_query(request) -> str:
    token = request.GET.get("t", "")
    return f"?{urlencode({'t': token})}" if token else ""


def invoice_document(request, number):
    order = order_for_request(request, number, permission=VIEW_INVOICE)
    invoice = get_object_or_404(Invoice, order=order)
    invoice = documents.invoice_for_document(invoice_id=invoice.pk)
    context = documents.invoice_context(invoice=invoice)
    if request.GET.get("format") == "pdf":
        return _pdf_response(documents.document_pdf(template=documents.INVOICE, context=context),
                             documents.invoice_filename(invoice))
    pdf_url = reverse("payments:invoice", kwargs={"number": number}) + _token_query(request)
    pdf_url += ("&" if "?" in pdf_url else "?") + "format=pdf"
    return HttpResponse(documents.document_html(template=documents.INVOICE, request=request,
                                                context={**context, "pdf_url": pdf_url}))


def credit_note_document(request, number, pk):
    order = order_for_request(request, number, permission=VIEW_INVOICE)
    note = get_object_or_404(CreditNote, pk=pk, invoice__order=order)
    note = documents.credit_note_for_document(note_id=note.pk)
    context = documents.credit_note_context(note=note)
    if request.GET.get("format") == "pdf":
        return _pdf_response(documents.document_pdf(template=documents.CREDIT_NOTE, context=context),
                             documents.credit_note_filename(note))
    pdf_url = reverse("payments:credit_note", kwargs={"number": number, "pk": pk}) + _token_query(request)
    pdf_url += ("&" if "?" in pdf_url else "?") + "format=pdf"
    email_url = (reverse("admin:payments_creditnote_email", args=[note.pk])
                 if request.user.has_perm("payments.change_invoice") else "")
    return HttpResponse(documents.document_html(template=documents.CREDIT_NOTE, request=request,
                                                context={**context, "pdf_url": pdf_url, "email_url": email_url}))
