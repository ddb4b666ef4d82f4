"""Cart, checkout, card payment and order pages. Each view parses a form, calls a service and redirects or
renders."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import checkout_initial_for
from inventory.services import InsufficientStock
from orders.access import CHANGE_ORDER, order_for_request, order_is_customers, order_may, order_page_url
from orders.models import DeliveryMethod, Order
from orders.selectors import order_timeline
from orders.services.status import TransitionNotAllowed, order_transition
from payments.selectors import order_money, payment_methods_for
from payments.services import PaymentError
from payments.services.card import card_payment_start, card_sessions_close
from recommendations.selectors import basket_html
from shipping.services.promise import promise_context
from shipping.services.rates import (
    delivery_option_for,
    delivery_options,
    parcel_weight_kg,
    rows_ready_on,
    too_heavy_text,
    unserved_text,
)

from .forms import AddToCartForm, CartLineForm, CheckoutForm, CouponForm, RemoveFromCartForm
from .models import Cart
from .services import cart as cart_services
from .services.discounts import cart_coupon_add, cart_coupon_remove, cart_coupons_price, discounted_quote
from .services.placing import CheckoutDetails, CheckoutError, TotalChanged, delivery_province, order_place

CART_SESSION_KEY = "cart_id"
CHECKOUT_SESSION_KEY = "checkout"


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """A signed-in customer's cart, or the guest cart this session points at."""
    if request.user.is_authenticated:
        cart = Cart.objects.filter(user=request.user).first()
        if cart is None and create:
            cart = Cart.objects.create(user=request.user)
        return cart
    cart_id = request.session.get(CART_SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[CART_SESSION_KEY] = cart.pk
    return cart


def _back(request, default: str):
    """Back to the page the form was on: only a path on this site, never a view name or another host."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("Please check the form.")


def _say(request, change: cart_services.CartChange) -> None:
    level = {"success": messages.SUCCESS, "warning": messages.WARNING}.get(change.level, messages.ERROR)
    messages.add_message(request, level, change.message)


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(request, reverse("orders:cart_detail"))
    cart = cart_for_request(request, create=True)
    _say(request, cart_services.cart_add(cart=cart, variant_id=form.cleaned_data["variant"],
                                         quantity=form.cleaned_data["quantity"]))
    return _back(request, reverse("orders:cart_detail"))


@require_POST
def cart_update(request):
    form = CartLineForm(request.POST)
    cart = cart_for_request(request)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    elif cart is not None:
        _say(request, cart_services.cart_set_quantity(cart=cart, variant_id=form.cleaned_data["variant"],
                                                      quantity=form.cleaned_data["quantity"]))
    return redirect("orders:cart_detail")


@require_POST
def cart_remove(request):
    form = RemoveFromCartForm(request.POST)
    cart = cart_for_request(request)
    if form.is_valid() and cart is not None:
        _say(request, cart_services.cart_remove(cart=cart, variant_id=form.cleaned_data["variant"]))
    return redirect("orders:cart_detail")


def cart_detail(request):
    cart = cart_for_request(request)
    rows = cart_services.cart_rows(cart)
    subtotal = sum((row.line_total for row in rows), start=Decimal("0"))
    pricing = cart_coupons_price(cart=cart, rows=rows, user=request.user)
    return render(request, "orders/cart_detail.html", {
        "rows": rows, "subtotal": subtotal, "pricing": pricing, "after_discounts": subtotal - pricing.discount,
        "too_heavy": too_heavy_text(parcel_weight_kg(rows)) if rows else "",
        "coupon_form": CouponForm(auto_id="coupon_%s"), "codes": cart.coupon_codes if cart is not None else [],
        # What goes with the cart's products (cached: no query in the common case).
        "suggestions": basket_html((row.variant.product_id for row in rows),
                                   next_url=reverse("orders:cart_detail"))})


@require_POST
def cart_coupon_apply(request):
    """"Apply" next to the discount code field (a plain form: no JavaScript needed)."""
    form = CouponForm(request.POST)
    cart = cart_for_request(request)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    elif cart is None:
        messages.error(request, _("Your cart is empty."))
    else:
        _say(request, cart_coupon_add(cart=cart, rows=cart_services.cart_rows(cart), code=form.cleaned_data["code"],
                                      user=request.user))
    return _back(request, reverse("orders:cart_detail"))


@require_POST
def cart_coupon_remove_view(request):
    cart = cart_for_request(request)
    if cart is not None:
        _say(request, cart_coupon_remove(cart=cart, code=request.POST.get("code", "")))
    return _back(request, reverse("orders:cart_detail"))


def _details_from_session(request) -> CheckoutDetails | None:
    data = request.session.get(CHECKOUT_SESSION_KEY)
    try:
        return CheckoutDetails(**data) if data else None
    except TypeError:  # saved by an older version of the form
        return None


def checkout(request):
    rows = cart_services.cart_rows(cart_for_request(request))
    if not rows:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart_detail")
    saved = _details_from_session(request)
    # A signed-in customer with nothing typed yet starts from their name, email and default address (accounts).
    initial = ({**saved.as_session(), "delivery_method": saved.delivery_method_id} if saved
               else checkout_initial_for(request.user))
    show_options = "show_options" in request.POST
    form = CheckoutForm(request.POST or None, initial=initial, language=get_language(),
                        payment_methods=payment_methods_for(request.user), address_only=show_options)
    # "Show delivery options" prices only an address the form accepts (a postal code of another province: no).
    province, postal_code = form.delivery_address()
    weight = parcel_weight_kg(rows)
    options = delivery_options(province=province, postal_code=postal_code, weight_kg=weight,
                               context=promise_context(), ready_on=rows_ready_on(rows))
    form.offer(options)
    context = {"form": form, "options": options, "unserved": unserved_text(), "too_heavy": too_heavy_text(weight)}
    if show_options:
        # "Show delivery options" (no JavaScript needed): the same page again, priced for the address typed.
        form.is_valid()  # shows what is wrong with the postal code or province, and only that
        return render(request, "orders/checkout.html", context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = CheckoutDetails(
            email=data["email"], phone=data["phone"], ship_name=data["ship_name"],
            ship_address=data["ship_address"], ship_city=data["ship_city"], ship_province=data["ship_province"],
            ship_postal_code=data["ship_postal_code"], delivery_method_id=data["delivery_method"].pk,
            payment_method=data["payment_method"],
            purchase_order_number=data.get("purchase_order_number", ""),
        )
        request.session[CHECKOUT_SESSION_KEY] = details.as_session()
        return redirect("orders:checkout_review")
    return render(request, "orders/checkout.html", context)


def _review_context(request, cart, details):
    rows = cart_services.cart_rows(cart)
    delivery = DeliveryMethod.objects.filter(pk=details.delivery_method_id, is_active=True).select_related(
        "pickup_location").first()
    if delivery is None:
        return None
    option = delivery_option_for(method=delivery, province=delivery_province(details, delivery),
                                 postal_code=details.ship_postal_code, rows=rows, context=promise_context())
    if option is None:
        return None
    pricing = cart_coupons_price(cart=cart, rows=rows, user=request.user, email=details.email)
    quote = discounted_quote(rows=rows, pricing=pricing, province=delivery_province(details, delivery),
                             delivery=delivery, shipping=option.price)
    return {"rows": rows, "details": details, "delivery": delivery, "quote": quote, "option": option,
            "pricing": pricing,
            "delivery_label": delivery.label(get_language()),
            "payment_label": Order.PaymentMethod(details.payment_method).label
            if details.payment_method in Order.PaymentMethod.values else ""}


def checkout_review(request):
    cart = cart_for_request(request)
    details = _details_from_session(request)
    if details is None:
        return redirect("orders:checkout")
    if not cart_services.cart_rows(cart):
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart_detail")
    context = _review_context(request, cart, details)
    if context is None:
        messages.error(request, _("Please choose a delivery method."))
        return redirect("orders:checkout")
    return render(request, "orders/checkout_review.html", context)


def _cart_reference(request) -> Cart | None:
    """The cart to place, by id only: order_place reads it under its lock, with the same owner check as
    cart_for_request (a guest's session cart has no user), so the request reads it once."""
    if request.user.is_authenticated:
        return cart_for_request(request)
    cart_id = request.session.get(CART_SESSION_KEY)
    return Cart(pk=cart_id, user=None) if cart_id else None


@require_POST
def checkout_place(request):
    cart = _cart_reference(request)
    details = _details_from_session(request)
    if details is None or cart is None:
        return redirect("orders:checkout")
    # The total the customer saw is only compared, inside the order's transaction, never charged.
    try:
        seen = Decimal(request.POST.get("seen_total", ""))
    except InvalidOperation:
        seen = Decimal("NaN")
    try:
        if not seen.is_finite():
            raise TotalChanged(_("Prices or stock changed since you looked. Please check the new total."))
        order = order_place(cart=cart, details=details, language=get_language(), user=request.user,
                            expected_total=seen)
    except TotalChanged as error:
        messages.warning(request, str(error))
        return redirect("orders:checkout_review")
    except InsufficientStock:
        for message in cart_services.cart_clamp_to_stock(cart=cart) or [_("Some items just sold out.")]:
            messages.error(request, message)
        return redirect("orders:cart_detail")
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect("orders:cart_detail")
    request.session.pop(CHECKOUT_SESSION_KEY, None)
    if order.payment_method == Order.PaymentMethod.CARD:
        return card_payment_redirect(request, order)  # thanked when Stripe sends them back (order_detail)
    _thank(request, order)
    return redirect(order.get_absolute_url())


def _thank(request, order) -> None:
    """What every buyer reads once their order is placed: by cheque, on account, or back from the card page."""
    messages.success(request, _("Thank you! Your order %(number)s is received. A confirmation is on its way to "
                                "%(email)s.") % {"number": order.number, "email": order.email})


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


def order_detail(request, number):
    """The order's page: its customer sees all of it; staff see the parts their permissions name (the invoice and
    payments with payments.view_invoice, shipments with shipping.view_shipment, returns with
    returns.view_returnrequest) and may pay or cancel it only with orders.change_order."""
    try:
        order = order_for_request(request, number)
    except Http404:
        # A mistyped, cut or old link (or someone else's order): the 404 talks about orders, not products.
        return render(request, "orders/order_not_found.html", status=404)
    money = order_money(order=order)
    may_act = order_may(request, order, CHANGE_ORDER)
    if "session_id" in request.GET and order_is_customers(request, order):
        _thank(request, order)  # back from the card processor's page (card_payment_redirect's success_url)
    return render(request, "orders/order_detail.html", {
        "order": order,
        "lines": order.lines.all(),
        "tax_lines": order.tax_lines.all(),
        "events": order_timeline(order.events.all()),
        "token": request.GET.get("t", ""),
        "may_act": may_act,
        "can_cancel": may_act and order.status == Order.Status.RECEIVED,
        "shows_money": order_may(request, order, "payments.view_invoice"),
        "shows_shipments": order_may(request, order, "shipping.view_shipment"),
        "shows_returns": order_may(request, order, "returns.view_returnrequest"),
        "may_return": order_may(request, order, "returns.add_returnrequest"),
        "money": money,
        "shipments": order.shipments.select_related("carrier").prefetch_related("lines__order_line"),
        "returns": order.returns.prefetch_related("lines__order_line"),
        # Back from the card processor before its confirmation: look again in a few seconds (no JavaScript).
        "confirming": order.awaits_card_payment and money.pending and "session_id" in request.GET,
    })


@require_POST
def order_cancel(request, number):
    """The customer cancels their order while it is only received; so may staff holding orders.change_order (the
    timeline says the shop cancelled it). Everyone else: 404, or 403 for staff who may only see it."""
    order = order_for_request(request, number, permission=CHANGE_ORDER)
    by_customer = order_is_customers(request, order)
    if order.status != Order.Status.RECEIVED:
        messages.error(request, _("This order is already being handled; please contact us to change it."))
    elif order.payment_method == Order.PaymentMethod.CARD and not card_sessions_close(order=order):
        messages.error(request, _("Your card payment has just gone through, so the order can no longer be cancelled "
                                  "here. Please contact us."))
    else:
        try:
            order_transition(order=order, to=Order.Status.CANCELLED, user=request.user,
                             note=_("Cancelled by the customer") if by_customer else _("Cancelled by the shop"))
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
        else:
            done = _("Your order %(number)s is cancelled.") if by_customer else _("Order %(number)s is cancelled.")
            messages.success(request, done % {"number": order.number})
    return redirect(order_page_url(request, order))

