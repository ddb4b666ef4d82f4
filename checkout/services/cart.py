"""The cart: every change checks live stock and says plainly what happened. Prices always come from the database.

Products that allow backorders are not held to the stock: the cart takes any quantity and says how many units
ship now and how many ship later, when the next delivery arrives.

Made-to-order products are never added directly: a line of one comes only from accepting a quote
(cart_quote_accept), at the quote's unit price and in the quantity quoted, which the cart does not change (remove
the line and ask for a new quote instead). They have no stock: nothing to clamp, nothing reserved."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import page_cache
from catalog.models import Product, ProductVariant
from catalog.selectors import restock_expected, restock_phrase
from core.french import elide
from inventory.selectors import availability_by_variant
from quotes.services import QuoteError, quote_accept

from ..models import Cart, CartLine

MAX_QUANTITY = 999


@dataclass(frozen=True)
class CartChange:
    quantity: int  # what the cart now holds of that SKU
    message: str
    level: str  # "success", "warning" or "error" (django.contrib.messages levels by name)


@dataclass(frozen=True)
class CartRow:
    variant: ProductVariant
    quantity: int
    available: int
    quote: object = None  # quotes.Quote of a line put here by accepting a quote

    @property
    def made_to_order(self) -> bool:
        return self.variant.product.made_to_order

    @property
    def name(self) -> str:
        product = self.variant.product.name
        return f"{product} — {self.variant.label}" if self.variant.label else product

    @property
    def sku(self) -> str:
        return self.variant.sku

    @property
    def unit_price(self) -> Decimal:
        return self.quote.unit_price if self.quote is not None else self.variant.price

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def backorderable(self) -> bool:
        return self.variant.product.allow_backorder

    @property
    def sold_out(self) -> bool:
        """None left online of a product that cannot be backordered: the line keeps the quantity asked for, and the
        order cannot be placed with it."""
        return self.available <= 0 and not self.backorderable and not self.made_to_order

    @property
    def ships_now(self) -> int:
        """Units in stock today; the rest of a backorderable line ships later."""
        if self.made_to_order:
            return self.quantity
        return min(self.quantity, max(self.available, 0)) if self.backorderable else self.quantity

    @property
    def ships_later(self) -> int:
        return self.quantity - self.ships_now

    @property
    def restock_on(self) -> datetime.date | None:
        """When the missing units are expected, or None for "as soon as they are back"."""
        return restock_expected(self.variant.product) if self.ships_later else None

    @property
    def ships_later_note(self) -> str:
        """"2 ship now, 3 ship later (expected March 12, 2026)", or "" when the whole line ships now."""
        if not self.ships_later:
            return ""
        return _("%(now)d ship now, %(later)d ship later (%(when)s)") % {
            "now": self.ships_now, "later": self.ships_later, "when": restock_phrase(self.restock_on)}


def _sellable_variant(variant_id) -> ProductVariant | None:
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError):
        return None
    return (
        ProductVariant.objects.select_related("product")
        .filter(pk=variant_id, is_active=True, product__in=Product.objects.online())
        .first()
    )


def cart_version(user_id: int) -> str:
    """The page-cache version of a customer's saved cart: their header's cart summary is cached under it."""
    return f"cart:user:{user_id}"


def _guest_cart_version(cart_id: int) -> str:
    return f"cart:{cart_id}"


def cart_changed(cart: Cart) -> None:
    """After the commit of any change to a cart, the header of its owner shows it."""
    names = [_guest_cart_version(cart.pk)] + ([cart_version(cart.user_id)] if cart.user_id else [])
    transaction.on_commit(partial(page_cache.versions_bump, names), robust=True)


def cart_summary_cached(user=None, *, cart_id: int | None = None) -> tuple[int, Decimal]:
    """cart_summary of a signed-in customer's saved cart, or of a guest's cart by its id, cached until the cart or
    the catalogue (prices) changes: every page's header shows it."""
    if user is not None:
        return page_cache.value_get_or_build(("cart-summary", user.pk), [page_cache.CATALOG, cart_version(user.pk)],
                                             lambda: cart_summary(None, user=user))
    if cart_id is None:
        return 0, Decimal("0.00")
    return page_cache.value_get_or_build(("cart-summary", "guest", cart_id),
                                         [page_cache.CATALOG, _guest_cart_version(cart_id)],
                                         lambda: cart_summary(cart_id))


def _name(variant: ProductVariant) -> str:
    return f"{variant.product.name} ({variant.label})" if variant.label else variant.product.name


def _set(cart: Cart, variant: ProductVariant, wanted: int) -> CartChange:
    cart_changed(cart)
    available = availability_by_variant([variant.pk])[variant.pk].online
    name = _name(variant)
    if variant.product.allow_backorder:
        return _set_backorderable(cart, variant, wanted, available=available, name=name)
    if available <= 0:
        CartLine.objects.filter(cart=cart, variant=variant).delete()
        return CartChange(0, _("Sorry, %(name)s is out of stock online.") % {"name": name}, "error")
    quantity = min(wanted, available, MAX_QUANTITY)
    CartLine.objects.update_or_create(cart=cart, variant=variant, defaults={"quantity": quantity})
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    if quantity < wanted:
        return CartChange(
            quantity,
            elide(_("Only %(count)d left of %(name)s — quantity set to %(count)d.") % {"count": quantity,
                                                                                     "name": name}),
            "warning",
        )
    return CartChange(quantity, _("%(name)s: %(count)d in your cart.") % {"name": name, "count": quantity}, "success")


def _set_backorderable(cart: Cart, variant: ProductVariant, wanted: int, *, available: int, name: str) -> CartChange:
    """Any quantity (up to MAX_QUANTITY); the message says what ships now and what ships later."""
    quantity = min(wanted, MAX_QUANTITY)
    CartLine.objects.update_or_create(cart=cart, variant=variant, defaults={"quantity": quantity})
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    row = CartRow(variant, quantity, available)
    if not row.ships_later:
        return CartChange(quantity, _("%(name)s: %(count)d in your cart.") % {"name": name, "count": quantity},
                          "success")
    return CartChange(
        quantity,
        _("%(name)s: %(count)d in your cart — %(note)s.") % {"name": name, "count": quantity,
                                                               "note": row.ships_later_note},
        "warning",
    )


@transaction.atomic
def cart_add(*, cart: Cart, variant_id, quantity: int) -> CartChange:
    variant = _sellable_variant(variant_id)
    if variant is None:
        return CartChange(0, _("That product is not sold online."), "error")
    if variant.product.made_to_order:
        return _made_to_order_refused(variant)
    current = CartLine.objects.filter(cart=cart, variant=variant).values_list("quantity", flat=True).first() or 0
    return _set(cart, variant, current + quantity)


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant_id, quantity: int) -> CartChange:
    if quantity == 0:
        return cart_remove(cart=cart, variant_id=variant_id)
    variant = _sellable_variant(variant_id)
    if variant is None:
        CartLine.objects.filter(cart=cart, variant_id=_as_int(variant_id)).delete()
        cart_changed(cart)
        return CartChange(0, _("That product is no longer sold online; it was removed from your cart."), "error")
    line = CartLine.objects.filter(cart=cart, variant=variant).only("quantity", "quote_id").first()
    if line is not None and line.quote_id is not None:
        return CartChange(line.quantity, _("%(name)s: the quantity of a quoted item is the one quoted. To change "
                                           "it, remove it and ask us for a new quote.") % {"name": _name(variant)},
                          "warning")
    if variant.product.made_to_order:
        return _made_to_order_refused(variant)
    return _set(cart, variant, quantity)


def _made_to_order_refused(variant: ProductVariant) -> CartChange:
    return CartChange(0, _("%(name)s is made to order: ask us for a quote on its page.") % {"name": _name(variant)},
                      "error")


@transaction.atomic
def cart_quote_accept(*, cart: Cart, quote_id: int, user=None) -> CartChange:
    """The customer accepts a quote (from its signed link): the quote is accepted (once, while valid) and its line
    put into this cart at the quoted price and quantity, both or neither. Raises quotes.services.QuoteError."""
    # The cart first, then the quote: the order order_place locks them in.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    quote = quote_accept(quote_id=quote_id, user=user)
    existing = CartLine.objects.filter(cart=cart, variant_id=quote.variant_id).first()
    if existing is not None and existing.quote_id not in (None, quote.pk):
        raise QuoteError(_("Your cart already holds another quote for this product. Please order or remove it "
                           "first."))
    CartLine.objects.update_or_create(cart=cart, variant_id=quote.variant_id,
                                      defaults={"quantity": quote.quantity, "quote": quote})
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    cart_changed(cart)
    return CartChange(quote.quantity, _("Quote %(ref)s accepted: %(name)s is in your cart at the quoted price.") % {
        "ref": quote.reference, "name": _name(quote.variant)}, "success")


BIGINT_MAX = 2**63 - 1  # the largest id a database column holds (SQLite raises OverflowError beyond it)


def _as_int(value) -> int | None:
    """An id from a form, or None when it is not one any row could have."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -BIGINT_MAX <= number <= BIGINT_MAX else None


def cart_remove(*, cart: Cart, variant_id) -> CartChange:
    line = CartLine.objects.select_related("variant__product").filter(cart=cart, variant_id=_as_int(variant_id)).first()
    if line is None:
        return CartChange(0, _("That product was not in your cart."), "warning")
    line.delete()
    cart_changed(cart)
    return CartChange(0, _("%(name)s was removed from your cart.") % {"name": _name(line.variant)}, "success")


@transaction.atomic
def cart_merge(*, source: Cart, into: Cart) -> None:
    """A guest signs in: what they put in the cart as a guest joins their saved cart (quantities add up)."""
    for line in source.lines.select_related("variant"):
        target, created = CartLine.objects.get_or_create(cart=into, variant=line.variant,
                                                         defaults={"quantity": line.quantity, "quote": line.quote})
        if created or target.quote_id is not None:  # a quoted line keeps its quantity (and its quote)
            continue
        if line.quote_id is not None:  # the guest's accepted quote replaces a plain line of the same SKU
            CartLine.objects.filter(pk=target.pk).update(quantity=line.quantity, quote_id=line.quote_id)
        else:
            CartLine.objects.filter(pk=target.pk).update(quantity=F("quantity") + line.quantity)
    source.delete()
    cart_changed(into)


def cart_rows(cart: Cart | None) -> list[CartRow]:
    """The cart's lines with today's prices and availability, in two queries."""
    if cart is None:
        return []
    lines = list(cart.lines.select_related("variant__product", "quote").order_by("added_at", "pk"))
    available = availability_by_variant([line.variant_id for line in lines])
    return [CartRow(line.variant, line.quantity, available[line.variant_id].online, line.quote) for line in lines]


def cart_summary(cart_id: int | None, *, user=None) -> tuple[int, Decimal]:
    """Item count and total for the header, in one query: of the cart `cart_id`, or of the `user`'s saved cart."""
    if cart_id is None and user is None:
        return 0, Decimal("0.00")
    lines = CartLine.objects.filter(cart__user=user) if user is not None else CartLine.objects.filter(cart_id=cart_id)
    totals = lines.aggregate(
        count=Sum("quantity"), total=Sum(F("quantity") * Coalesce("quote__unit_price", "variant__price"))
    )
    return totals["count"] or 0, totals["total"] or Decimal("0.00")


def cart_clamp_to_stock(*, cart: Cart) -> list[str]:
    """After a sell-out at checkout: bring every line down to what can still be sold; say what changed."""
    said = []
    for row in cart_rows(cart):
        if row.quantity > row.available and not row.backorderable and not row.made_to_order:
            said.append(_set(cart, row.variant, row.quantity).message)
    return said


def cart_merge_on_login(sender, request, user, **kwargs) -> None:
    """The guest cart of this session joins the customer's saved cart."""
    session = getattr(request, "session", None)
    guest_id = session.pop("cart_id", None) if session is not None else None
    guest = Cart.objects.filter(pk=guest_id, user__isnull=True).first() if guest_id else None
    if guest is None:
        return
    saved, _created = Cart.objects.get_or_create(user=user)
    cart_merge(source=guest, into=saved)
