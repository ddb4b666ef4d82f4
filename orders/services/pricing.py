"""What a cart costs, delivered to a province: items, delivery, handling, discounts, Canadian sales taxes."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from catalog import page_cache

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


TAXES = "taxes"  # the version name of the tax rates in the shared cache (catalog.page_cache)


def _tax_rates_load() -> dict[str, tuple[TaxRate, ...]]:
    by_province: dict[str, list[TaxRate]] = {}
    for rate in TaxRate.objects.all():
        by_province.setdefault(rate.province, []).append(rate)
    return {province: tuple(rates) for province, rates in by_province.items()}


def tax_rates() -> dict[str, tuple[TaxRate, ...]]:
    """The tax rates by province, in their order: read once per edit (see page_cache.process_memo)."""
    return page_cache.process_memo(TAXES, _tax_rates_load)


def tax_rates_changed() -> None:
    """Called after the commit of an edit of the tax rates."""
    page_cache.version_changed(TAXES)


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
        for rate in tax_rates().get(province, ()):
            base = goods + (quote.shipping + quote.handling if rate.on_shipping else ZERO)
            quote.taxes.append(TaxAmount(rate.name, rate.rate, base, cents(base * rate.rate / 100)))
    return quote
