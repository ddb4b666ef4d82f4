"""Placing an order: one transaction creates the order, freezes its prices and taxes, reserves its stock through
the inventory's one reservation rule, empties the cart and writes the acknowledgement email to the outbox.
If any SKU sold out meanwhile, nothing at all is created.

The stock rows are what every shopper's checkout contends for, so they are locked last: the order, its lines,
invoice, timeline, customer record and rendered email are written first (under the cart's own lock only), then the
units are reserved and the transaction commits at once. Sending the email happens after commit (outbox)."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from coupons.services.redemption import coupons_redeem
from crm.services.consent import consent_imply
from crm.services.contacts import Address, contact_for_email
from orders.models import DeliveryMethod, Order, OrderEvent, OrderLine, OrderTaxLine
from orders.services.reserve import order_stock_reserve
from outbox.services import email_queue_rendered
from payments import gateway
from payments.models import CreditAccount
from payments.services.invoices import CreditLimitExceeded, account_credit_check, invoice_issue
from quotes.services import QuoteError, quotes_check_orderable, quotes_mark_ordered
from recommendations.services import customer_purchases_changed
from shipping.services.promise import promise_context
from shipping.services.rates import delivery_option_for
from shipping.services.table import shipping_table

from ..models import Cart
from .cart import cart_changed, cart_rows
from .discounts import cart_coupons_price, discounted_quote


class CheckoutError(ValueError):
    """The order cannot be placed as asked; the message is for the customer."""


class TotalChanged(CheckoutError):
    """The total computed now is not the one the customer reviewed (a price, rate or fee changed meanwhile)."""


@dataclass(frozen=True)
class CheckoutDetails:
    email: str
    phone: str
    ship_name: str
    ship_address: str
    ship_city: str
    ship_province: str
    ship_postal_code: str
    delivery_method_id: int
    payment_method: str
    purchase_order_number: str = ""

    def as_session(self) -> dict:
        return dict(self.__dict__)


def delivery_province(details: CheckoutDetails, delivery: DeliveryMethod) -> str:
    """Taxes follow where the goods are handed over: the address, or the store for a pickup."""
    if delivery.kind == DeliveryMethod.Kind.PICKUP and delivery.pickup_location and delivery.pickup_location.province:
        return delivery.pickup_location.province
    return details.ship_province


def order_place(*, cart: Cart, details: CheckoutDetails, language: str, user=None,
                expected_total: Decimal | None = None) -> Order:
    """Raises CheckoutError (TotalChanged when expected_total, the total the customer reviewed, is not today's),
    or inventory.services.InsufficientStock when stock ran out. In every case nothing is created."""
    with transaction.atomic():
        # Two submits of the same cart (a double click) queue here; the second finds the cart empty.
        cart = Cart.objects.select_for_update().filter(pk=cart.pk, user_id=cart.user_id).first()
        rows = cart_rows(cart)
        if not rows:
            raise CheckoutError(_("Your cart is empty."))
        quotes = _quotes_check(rows)
        delivery = shipping_table().active_method(details.delivery_method_id)
        if delivery is None:
            raise CheckoutError(_("Please choose a delivery method."))
        option = delivery_option_for(method=delivery, province=delivery_province(details, delivery),
                                     postal_code=details.ship_postal_code, rows=rows,
                                     context=promise_context())
        if option is None:
            raise CheckoutError(_("%(method)s does not deliver this order to that address. Please choose another "
                                  "delivery option.") % {"method": delivery.label(language)})
        # The cart's discount codes, their coupon rows locked and their uses counted under the lock (no query
        # without codes): a code's last use goes to one order only.
        pricing = cart_coupons_price(cart=cart, rows=rows, user=user, email=details.email, lock=True)
        quote = discounted_quote(rows=rows, pricing=pricing, province=delivery_province(details, delivery),
                                 delivery=delivery, shipping=option.price)
        if expected_total is not None and quote.total != expected_total:
            if pricing.refused:  # a code that applied at review no longer does (used up, expired ...): say which
                raise TotalChanged(" ".join([*(r.message for r in pricing.refused),
                                             _("Please check the new total.")]))
            raise TotalChanged(_("Prices or stock changed since you looked. Please check the new total."))
        account = _payment_method_check(details=details, user=user, total=quote.total)
        order = Order.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            user=user if user is not None and user.is_authenticated else None,
            language=language,
            email=details.email,
            phone=details.phone,
            ship_name=details.ship_name,
            ship_address=details.ship_address,
            ship_city=details.ship_city,
            ship_province=delivery_province(details, delivery),
            ship_postal_code=details.ship_postal_code,
            delivery_method=delivery,
            delivery_label=delivery.label(language),
            ships_by=option.promise.ships_on,
            promised_on=option.promise.arrives_on,
            payment_method=details.payment_method,
            purchase_order_number=details.purchase_order_number,
            subtotal=quote.subtotal,
            shipping=quote.shipping,
            handling=quote.handling,
            discount=quote.discount,
            coupon_codes=pricing.codes[:250],
            tax_total=quote.tax_total,
            total=quote.total,
        )
        order.number = f"{settings.SHOP_ORDER_PREFIX}{10000 + order.pk}"
        order.save(update_fields=["number"])
        lines = OrderLine.objects.bulk_create([
            OrderLine(order=order, variant=row.variant, sku=row.sku, name=row.name, unit_price=row.unit_price,
                      quantity=row.quantity, line_total=row.line_total, made_to_order=row.made_to_order,
                      discount=pricing.line_discounts.get(row.variant.pk, Decimal("0")))
            for row in rows
        ])
        coupons_redeem(pricing=pricing, order=order, user=user)
        tax_lines = OrderTaxLine.objects.bulk_create([
            OrderTaxLine(order=order, name=t.name, rate=t.rate, base=t.base, amount=t.amount) for t in quote.taxes
        ])
        invoice_issue(order=order, account=account)
        OrderEvent.objects.create(order=order, status=Order.Status.RECEIVED, created_by=order.user)
        _customer_record(order, typed_province=details.ship_province)
        cart.lines.all().delete()
        if cart.coupon_codes:
            Cart.objects.filter(pk=cart.pk).update(coupon_codes=[])
        cart_changed(cart)
        if order.user_id is not None:  # their "For you" is built again with this order's products
            transaction.on_commit(partial(customer_purchases_changed, user_id=order.user_id), robust=True)
        _acknowledgement_queue(order, lines=lines, tax_lines=tax_lines)
        quotes_mark_ordered(quotes=quotes, order=order)
        # Last, so the stock rows stay locked only from here to the commit. Made-to-order lines reserve nothing.
        order_stock_reserve(order=order, lines=lines,
                            backorderable=frozenset(row.variant.pk for row in rows if row.backorderable),
                            made_to_order=frozenset(row.variant.pk for row in rows if row.made_to_order))
    return order


def _quotes_check(rows) -> list:
    """The accepted quotes of the cart's quoted lines, locked (after the cart): each still valid and ordered in the
    quantity quoted. A made-to-order product without a quote cannot be ordered."""
    for row in rows:
        if row.made_to_order and row.quote is None:
            raise CheckoutError(_("%(name)s is made to order: please remove it from your cart and ask us for a "
                                  "quote.") % {"name": row.name})
    quantities = {row.quote.pk: row.quantity for row in rows if row.quote is not None}
    if not quantities:
        return []
    try:
        return quotes_check_orderable(quantities=quantities)
    except QuoteError as error:
        raise CheckoutError(str(error)) from error


def _payment_method_check(*, details: CheckoutDetails, user, total: Decimal):
    """The business account an order on account is charged to (its credit limit checked under lock), else None."""
    method = details.payment_method
    if method == Order.PaymentMethod.CARD and not gateway.card_enabled():
        raise CheckoutError(_("Card payment is not available at the moment. Please choose another way to pay."))
    if method not in Order.PaymentMethod.values:
        raise CheckoutError(_("Please choose a way to pay."))
    if method != Order.PaymentMethod.ACCOUNT:
        return None
    # An inactive account is found too: account_credit_check says it is suspended rather than "please sign in".
    account = CreditAccount.objects.filter(user=user).first() if user is not None and user.is_authenticated else None
    if account is None:
        raise CheckoutError(_("Paying on account needs a business account. Please sign in, or choose another way "
                              "to pay."))
    if not details.purchase_order_number.strip():
        raise CheckoutError(_("Please give your purchase order number."))
    try:
        account_credit_check(account=account, amount=total)
    except CreditLimitExceeded as error:
        raise CheckoutError(str(error)) from error
    return account


def _customer_record(order: Order, *, typed_province: str) -> None:
    """The order's customer in the CRM with the order's address, and the implied consent (CASL: two years) a
    purchase gives."""
    # A signed-in buyer is their account's contact (whatever email they typed); a guest, the email's.
    email = order.user.email if order.user is not None and order.user.email else order.email
    # The address typed at checkout (a pickup's order province is the store's, for the taxes); a pickup with no
    # address typed tells the CRM only the province where the customer shops, the store's.
    address = (Address(city=order.ship_city, province=typed_province, postal_code=order.ship_postal_code)
               if typed_province else Address(province=order.ship_province))
    contact = contact_for_email(email=email, name=order.ship_name, user=order.user, language=order.language,
                                address=address)
    consent_imply(contact=contact, basis="implied_purchase", occurred_at=order.created_at,
                  source=f"order {order.number}")


def _acknowledgement_queue(order: Order, *, lines: list[OrderLine] | None = None,
                           tax_lines: list[OrderTaxLine] | None = None) -> None:
    """Rendered before the stock is reserved (the email says nothing of which units were held), from the lines
    just written when given."""
    email_queue_rendered(
        to=order.email, template="emails/orders/acknowledgement", language=order.language, reference=order.number,
        context={
            "order": order,
            "lines": lines if lines is not None else list(order.lines.all()),
            "tax_lines": tax_lines if tax_lines is not None else list(order.tax_lines.all()),
            "order_url": settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url(),
            "invoice": getattr(order, "invoice", None),
        },
    )
