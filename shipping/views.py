"""Public shipping pages. Each view parses a form, calls a service and redirects or renders."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import BackInStockForm
from .services import backinstock


def _back_to(request, default: str) -> str:
    """The page the form was on when it says so (the cart's sold-out line): only a path on this site."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_POST
def back_in_stock_request(request):
    """The "email me when it is back" form of a product page or of a sold-out line in the cart; back to that page
    with a message."""
    form = BackInStockForm(request.POST)
    valid = form.is_valid()
    variant = form.cleaned_data.get("variant")
    if variant is None:
        messages.error(request, form.errors["variant"][0])
        return redirect("catalog:home")
    back = redirect(_back_to(request, variant.product.get_absolute_url()))
    if not valid:
        messages.error(request, form.errors["email"][0])
        return back
    try:
        backinstock.back_in_stock_request(variant=variant, email=form.cleaned_data["email"],
                                          language=get_language())
    except backinstock.BackInStockError as error:
        messages.warning(request, str(error))
        return back
    messages.success(request, _("Thank you. We will email %(email)s once, when %(name)s is back in stock.")
                     % {"email": form.cleaned_data["email"], "name": variant.product.name})
    return back
