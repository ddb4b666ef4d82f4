"""The customer's return form and the return policy. Each view parses a form, calls a service and redirects or
renders."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orders.access import order_for_request, order_page_url

from .forms import ReturnRequestForm
from .selectors import return_offer
from .services import ReturnError, return_request


def return_create(request, number):
    """The order's customer (its account's owner or the holder of the emailed link) may ask to return its shipped
    items; staff only with returns.add_returnrequest (404 for those who may not see the order, 403 for those who
    may only see it)."""
    order = order_for_request(request, number, permission="returns.add_returnrequest")
    offer = return_offer(order=order)
    form = ReturnRequestForm(request.POST or None, rows=[row for row in offer.lines if row.returnable])
    if request.method == "POST" and form.is_valid():
        try:
            return_request(order=order, quantities=form.quantities(), reason=form.cleaned_data["reason"],
                           user=request.user)
        except ReturnError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your return request is received. We will email %(email)s once we have "
                                        "looked at it.") % {"email": order.email})
            return redirect(order_page_url(request, order))
    return render(request, "returns/return_form.html", {
        "order": order, "offer": offer, "form": form,
        "token": request.GET.get("t") or request.POST.get("t") or "",
        "days": settings.SHOP_RETURN_DAYS,
    })


def policy(request):
    return render(request, "returns/policy.html", {"days": settings.SHOP_RETURN_DAYS})
