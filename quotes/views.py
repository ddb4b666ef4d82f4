"""The customer's side of a quote: the request form, and the quote's page behind its signed link (accepting it is
checkout's: orders:quote_accept puts the line into the cart). Attachments are handed out here only, to staff who
may see quotes and to the requester."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Product
from catalog.selectors import active_variants

from . import links
from .forms import QuoteRequestForm
from .models import Quote
from .services import QuoteError, quote_decline, quote_request

VIEW_PERMISSION = "quotes.view_quote"


def _made_to_order_product(product_id: int) -> Product:
    product = Product.objects.online().filter(pk=product_id, made_to_order=True).first()
    if product is None:
        raise Http404(_("No such product."))
    product.active_variants = list(active_variants().filter(product_id=product.pk))
    if not product.active_variants:
        raise Http404(_("No such product."))
    return product


def _signed_in_initial(user) -> dict:
    if not user.is_authenticated:
        return {}
    contact = getattr(user, "contact", None)
    profile = getattr(user, "profile", None)
    return {"name": user.get_full_name() or (contact.name if contact else ""), "email": user.email,
            "phone": getattr(profile, "phone", "") or (getattr(contact, "phone", "") if contact else "")}


def request_form(request, product_id: int):
    """Ask for a quote on a made-to-order product. Works without JavaScript; errors re-render the form."""
    product = _made_to_order_product(product_id)
    if request.method == "POST":
        form = QuoteRequestForm(request.POST, request.FILES, variants=product.active_variants)
        if form.is_spam():
            return redirect("quotes:request_sent", product_id=product.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                quote = quote_request(
                    product=product, variant=form.chosen_variant(), name=data["name"], email=data["email"],
                    phone=data["phone"], specifics=data["specifics"], quantity=data["quantity"],
                    wanted_on=data["wanted_on"], language=get_language(), user=request.user,
                    attachment=data["attachment"],
                )
            except QuoteError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Thank you: your request %(ref)s is received. We sent a copy to "
                                            "%(email)s and will reply with a quote.") % {
                    "ref": quote.reference, "email": quote.email})
                return redirect("quotes:request_sent", product_id=product.pk)
        else:
            messages.error(request, _("Please correct the fields below."))
    else:
        form = QuoteRequestForm(initial=_signed_in_initial(request.user), variants=product.active_variants)
    return render(request, "quotes/request_form.html", {"form": form, "product": product})


def request_sent(request, product_id: int):
    product = Product.objects.online().filter(pk=product_id).first()
    return render(request, "quotes/request_sent.html", {"product": product})


def _quote_from_link(request, token: str):
    """(quote, problem): the quote the link names, or the page to show when the link does not work."""
    try:
        quote_id = links.quote_id_from_token(token)
    except links.LinkExpired:
        return None, render(request, "quotes/link_problem.html", {"expired": True}, status=410)
    except links.LinkInvalid:
        return None, render(request, "quotes/link_problem.html", {"expired": False}, status=404)
    quote = Quote.objects.select_related("product", "variant__product", "order").filter(pk=quote_id).first()
    if quote is None:
        return None, render(request, "quotes/link_problem.html", {"expired": False}, status=404)
    return quote, None


def quote_detail(request, token: str):
    """The quote as the customer sees it, from the emailed link (no sign-in): accept or decline it while valid."""
    quote, problem = _quote_from_link(request, token)
    if problem is not None:
        return problem
    S = Quote.Status
    past = quote.status == S.EXPIRED or (quote.status in (S.QUOTED, S.ACCEPTED) and quote.is_past_validity)
    return render(request, "quotes/quote_detail.html", {
        "quote": quote, "token": token, "expired": past,
        "can_answer": quote.status == S.QUOTED and not past,
        "is_priced": quote.unit_price is not None and quote.status != S.REQUESTED,
    })


@require_POST
def quote_decline_view(request, token: str):
    quote, problem = _quote_from_link(request, token)
    if problem is not None:
        return problem
    try:
        quote_decline(quote_id=quote.pk, user=request.user)
    except QuoteError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You declined quote %(ref)s. Thank you for letting us know.")
                         % {"ref": quote.reference})
    return redirect("quotes:quote_detail", token=token)


def _attachment_response(quote: Quote):
    if not quote.attachment:
        raise Http404(_("This request has no attachment."))
    try:
        handle = quote.attachment.open("rb")
    except OSError as error:
        raise Http404(_("This request has no attachment.")) from error
    extension = quote.attachment.name.rsplit(".", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=f"{quote.reference}.{extension}",
                            content_type=quote.attachment_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment(request, pk: int):
    """A request's attachment: for staff who may see quotes, and for the signed-in customer who sent it."""
    quote = get_object_or_404(Quote, pk=pk)
    user = request.user
    allowed = user.is_authenticated and (
        (user.is_staff and user.has_perm(VIEW_PERMISSION)) or (quote.user_id is not None and quote.user_id == user.pk)
    )
    if not allowed:
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return _attachment_response(quote)


def attachment_signed(request, token: str):
    """The attachment from the quote's signed link (a guest requester)."""
    quote, problem = _quote_from_link(request, token)
    if problem is not None:
        return problem
    return _attachment_response(quote)
