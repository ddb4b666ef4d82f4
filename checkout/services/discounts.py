"""Discount codes in the cart: entering and removing them, and pricing a cart with them (coupons.services.pricing
decides; this module passes it the cart's lines and the shopper). A cart without codes costs no query here."""

from decimal import Decimal

from django.utils.translation import gettext as _

from coupons.services.pricing import CouponPricing, Customer, PricedLine, coupons_price, normalize_code
from orders.models import DeliveryMethod
from orders.services.pricing import ZERO, Quote, cents, quote_build

from ..models import Cart
from .cart import CartChange, CartRow, cart_changed

MAX_CODES = 5


def priced_lines(rows: list[CartRow]) -> list[PricedLine]:
    return [PricedLine(row.variant.pk, row.line_total, row.variant.product.category_id) for row in rows]


def customer_of(user, email: str = "") -> Customer:
    if user is not None and getattr(user, "is_authenticated", False):
        return Customer(user_id=user.pk, email=email, account_email=user.email or "")
    return Customer(email=email)


def cart_coupons_price(*, cart: Cart | None, rows: list[CartRow], user=None, email: str = "",
                       lock: bool = False) -> CouponPricing:
    """The cart's codes priced for these rows and this shopper (`email`: the one given at checkout)."""
    if cart is None or not cart.coupon_codes:
        return CouponPricing()
    return coupons_price(codes=list(cart.coupon_codes), lines=priced_lines(rows), customer=customer_of(user, email),
                         lock=lock)


def discounted_quote(*, rows: list[CartRow], pricing: CouponPricing, province: str | None,
                     delivery: DeliveryMethod | None, shipping: Decimal | None) -> Quote:
    """quote_build with the goods discount (taxed after it) and, with a free-shipping code, no shipping (so no tax
    on it); the handling and packaging fee stays. Notes on `pricing` the shipping each free-shipping code waived."""
    subtotal = sum((row.line_total for row in rows), start=Decimal("0"))
    if pricing.free_shipping and delivery is not None:
        pricing.shipping_waived(cents(delivery.price if shipping is None else shipping))
        shipping = ZERO
    return quote_build(subtotal=subtotal, province=province, delivery=delivery, discount=pricing.discount,
                       shipping=shipping)


def cart_coupon_add(*, cart: Cart, rows: list[CartRow], code: str, user=None) -> CartChange:
    """Keep the code in the cart if it applies to it now; otherwise say why not."""
    code = normalize_code(code)
    if not code:
        return CartChange(0, _("Please enter a discount code."), "error")
    if not rows:
        return CartChange(0, _("Your cart is empty."), "error")
    codes = list(cart.coupon_codes)
    if code in codes:
        return CartChange(0, _("The code %(code)s is already in your cart.") % {"code": code}, "warning")
    if len(codes) >= MAX_CODES:
        return CartChange(0, _("Your cart can't take more codes."), "error")
    pricing = coupons_price(codes=[*codes, code], lines=priced_lines(rows), customer=customer_of(user))
    refused = next((r for r in pricing.refused if r.code == code), None)
    if refused is not None:
        return CartChange(0, refused.message, "error")
    Cart.objects.filter(pk=cart.pk).update(coupon_codes=[*codes, code])
    cart.coupon_codes = [*codes, code]
    cart_changed(cart)
    applied = next(a for a in pricing.applied if a.code == code)
    return CartChange(1, _("The code %(code)s is applied: %(label)s.") % {"code": code, "label": applied.label},
                      "success")


def cart_coupon_remove(*, cart: Cart, code: str) -> CartChange:
    code = normalize_code(code)
    codes = [c for c in cart.coupon_codes if c != code]
    if len(codes) == len(cart.coupon_codes):
        return CartChange(0, _("That code was not in your cart."), "warning")
    Cart.objects.filter(pk=cart.pk).update(coupon_codes=codes)
    cart.coupon_codes = codes
    cart_changed(cart)
    return CartChange(0, _("The code %(code)s was removed.") % {"code": code}, "success")
