"""Accepting a quote from its signed link (quotes.views shows it): the quote's line goes into this visitor's cart
(a guest's session cart, or a signed-in customer's saved one) at the quoted price, then on to checkout."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from quotes import links
from quotes.services import QuoteError

from .services import cart as cart_services
from .views import _say, cart_for_request


@require_POST
def quote_accept(request, token: str):
    try:
        quote_id = links.quote_id_from_token(token)
    except (links.LinkInvalid, links.LinkExpired):
        return redirect("quotes:quote_detail", token=token)  # the page says what is wrong with the link
    cart = cart_for_request(request, create=True)
    try:
        change = cart_services.cart_quote_accept(cart=cart, quote_id=quote_id, user=request.user)
    except QuoteError as error:
        messages.error(request, str(error))
        return redirect("quotes:quote_detail", token=token)
    _say(request, change)
    return redirect("orders:checkout")
