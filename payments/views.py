"""The Stripe webhook and the customer's account statement. ("Pay now" for an unpaid card order starts the card
payment like checkout does: checkout.views.order_pay.)"""

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import gateway
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
