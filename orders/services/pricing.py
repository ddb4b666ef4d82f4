"""What a cart costs, delivered to a province: items, delivery, handling, discounts, Canadian sales taxes."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..models import DeliveryMethod, TaxRate

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TaxAmount:
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass
class Quote:
    subtotal: Decimal
    shipping: Decimal = ZERO
    handling: Decimal = ZERO
    discount: Decimal = ZERO
    taxes: list[TaxAmount] = field(default_factory=list)

    @property
    def tax_total(self) -> Decimal:
        return sum((t.amount for t in self.taxes), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping + self.handling - self.discount + self.tax_total


def quote_build(*, subtotal: Decimal, province: str | None, delivery: DeliveryMethod | None,
                discount: Decimal = ZERO, shipping: Decimal | None = None) -> Quote:
    """Each tax is computed on its own base and rounded half-up to the cent once, on the whole order.
    `shipping` is the carrier's rate for this destination and weight (shipping.services.rates); without it the
    method's flat price applies."""
    quote = Quote(subtotal=cents(subtotal), discount=cents(discount))
    if delivery is not None:
        quote.shipping = cents(delivery.price if shipping is None else shipping)
        quote.handling = cents(delivery.handling_fee)
    if province:
        goods = quote.subtotal - quote.discount
        for rate in TaxRate.objects.filter(province=province):
            base = goods + (quote.shipping + quote.handling if rate.on_shipping else ZERO)
            quote.taxes.append(TaxAmount(rate.name, rate.rate, base, cents(base * rate.rate / 100)))
    return quote
