"""The Stripe webhook, "Pay now" for an unpaid card order, and the customer's account statement."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.access import CHANGE_ORDER, order_for_request

from . import gateway
from .selectors import statement_for
from .services import PaymentError
from .services.card import card_payment_start, stripe_event_handle

logger = logging.getLogger(__name__)


def card_payment_redirect(request, order):
    """Send the shopper to Stripe's payment page; if Stripe cannot be reached, back to the order, which is kept."""
    order_url = request.build_absolute_uri(order.get_absolute_url())
    try:
        payment = card_payment_start(order=order, success_url=order_url + "&session_id={CHECKOUT_SESSION_ID}",
                                     cancel_url=order_url + "&payment=cancelled")
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect(order.get_absolute_url())
    return HttpResponseRedirect(payment.checkout_url)


@require_POST
def order_pay(request, number):
    """The "Pay now" button: the customer's, or staff holding orders.change_order on their behalf."""
    return card_payment_redirect(request, order_for_request(request, number, permission=CHANGE_ORDER))


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
