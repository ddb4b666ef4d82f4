"""Which codes apply to a cart and what they take off, to the cent.

Canadian sales taxes are charged on the price after a discount the seller gives at the time of sale, so the goods
discount is allocated across the lines it applies to (proportionally, the last cents by largest remainder so the
parts add up exactly) and the taxes are then computed on the discounted goods (orders.services.pricing.quote_build).
A category code reduces only the lines of that category and its subcategories. A free-shipping code waives the
shipping (the carrier's price), and so the taxes on it; the handling and packaging fee stays.

Codes apply in the order the shopper entered them; a percentage applies to what earlier codes left of its lines; a
fixed amount never takes more than what is left (the goods never go below zero)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.selectors import category_tree
from core.money import money

from ..models import Coupon, CouponRedemption

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_CODES = 5
MAX_CODE_LENGTH = 40


def normalize_code(raw: str) -> str:
    return "".join(str(raw or "").split()).upper()[:MAX_CODE_LENGTH]


@dataclass(frozen=True)
class PricedLine:
    """A line of the cart as the codes see it: a key (the variant id), its amount, its product's category."""

    key: int
    amount: Decimal
    category_id: int | None


@dataclass(frozen=True)
class Customer:
    """Who is buying: a signed-in account, and the email when known (a guest's only at checkout)."""

    user_id: int | None = None
    email: str = ""
    account_email: str = ""


@dataclass(frozen=True)
class AppliedCoupon:
    coupon: Coupon
    code: str
    label: str
    amount: Decimal  # taken off the goods
    shipping_waived: Decimal = ZERO

    @property
    def free_shipping(self) -> bool:
        return self.coupon.kind == Coupon.Kind.FREE_SHIPPING


@dataclass(frozen=True)
class RefusedCode:
    code: str
    message: str


@dataclass
class CouponPricing:
    applied: list[AppliedCoupon] = field(default_factory=list)
    refused: list[RefusedCode] = field(default_factory=list)
    line_discounts: dict[int, Decimal] = field(default_factory=dict)

    @property
    def discount(self) -> Decimal:
        return sum((a.amount for a in self.applied), ZERO)

    @property
    def free_shipping(self) -> bool:
        return any(a.free_shipping for a in self.applied)

    def shipping_waived(self, shipping: Decimal) -> "CouponPricing":
        """The free-shipping code's saving, once the shipping price is known."""
        self.applied = [AppliedCoupon(a.coupon, a.code, a.label, a.amount, shipping if a.free_shipping else ZERO)
                        for a in self.applied]
        return self

    @property
    def codes(self) -> str:
        return ", ".join(a.code for a in self.applied)


NO_CODES = CouponPricing()


def allocate(total: Decimal, amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    """`total` split across `amounts` in proportion, to the cent; the cents left over go to the largest remainders
    (the first line wins a tie), so the parts add up to `total` exactly. `total` must not exceed their sum."""
    whole = sum(amounts.values(), ZERO)
    if total <= 0 or whole <= 0:
        return dict.fromkeys(amounts, ZERO)
    total_cents = int(total / CENT)
    shares, remainders = {}, []
    for position, (key, amount) in enumerate(amounts.items()):
        exact = Decimal(total_cents) * amount / whole
        share = int(exact)  # amounts are positive: int() is the floor
        shares[key] = share
        remainders.append((exact - share, -position, key))
    for _remainder, _position, key in sorted(remainders, reverse=True)[:total_cents - sum(shares.values())]:
        shares[key] += 1
    return {key: Decimal(share) * CENT for key, share in shares.items()}


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _usage(coupons: list[Coupon], customer: Customer) -> dict[int, tuple[int, int]]:
    """(uses in total, uses by this customer) per coupon, in one query; none for codes without limits."""
    limited = [c.pk for c in coupons if c.max_uses is not None or c.max_uses_per_customer is not None]
    if not limited:
        return {}
    mine = Q(pk__in=[])
    if customer.user_id is not None:
        mine |= Q(user_id=customer.user_id)
    for email in {customer.email.lower(), customer.account_email.lower()} - {""}:
        mine |= Q(email__iexact=email)
    rows = (CouponRedemption.objects.filter(coupon_id__in=limited).values("coupon_id")
            .annotate(total=Count("pk"), mine=Count("pk", filter=mine)).order_by())
    return {row["coupon_id"]: (row["total"], row["mine"]) for row in rows}


def _refusal(coupon: Coupon | None, code: str, *, goods: Decimal, eligible: Decimal, customer: Customer,
             uses: tuple[int, int], now: datetime) -> str:
    """Why the code can't be used on this cart, or "" when it can."""
    if coupon is None:
        return _("We don't know the code %(code)s. Please check its spelling.") % {"code": code}
    if not coupon.is_active:
        return _("The code %(code)s is no longer valid.") % {"code": code}
    if coupon.starts_at and now < coupon.starts_at:
        return _("The code %(code)s can be used from %(day)s.") % {"code": code, "day": _day(coupon.starts_at)}
    if coupon.ends_at and now >= coupon.ends_at:
        return _("The code %(code)s expired on %(day)s.") % {"code": code, "day": _day(coupon.ends_at)}
    emails = {customer.email.lower(), customer.account_email.lower()} - {""}
    if coupon.email and emails and coupon.email.lower() not in emails:
        return _("The code %(code)s is reserved for another customer.") % {"code": code}
    if goods < coupon.minimum_order:
        return _("The code %(code)s needs %(minimum)s of items: add %(missing)s more to use it.") % {
            "code": code, "minimum": money(coupon.minimum_order), "missing": money(coupon.minimum_order - goods)}
    if coupon.category_id is not None and eligible <= 0:
        return _("The code %(code)s applies to items your cart doesn't have.") % {"code": code}
    total, mine = uses
    if coupon.max_uses is not None and total >= coupon.max_uses:
        return _("The code %(code)s has been used as many times as it can be.") % {"code": code}
    if coupon.max_uses_per_customer is not None and mine >= coupon.max_uses_per_customer:
        return _("You have already used the code %(code)s.") % {"code": code}
    return ""


def _eligible_keys(coupon: Coupon, lines: list[PricedLine], tree) -> list[int]:
    if coupon.category_id is None:
        return [line.key for line in lines]
    return [line.key for line in lines if line.category_id is not None
            and coupon.category_id in {node.id for node in tree.ancestors(line.category_id)}]


def coupons_price(*, codes: list[str], lines: list[PricedLine], customer: Customer, lock: bool = False,
                  now: datetime | None = None) -> CouponPricing:
    """The codes that apply to these lines and their discounts, the others with the reason why not (in the
    shopper's language). `lock`: inside the order's transaction, the coupon rows are locked first (pk order) and
    their uses counted under the lock, so two orders can't both take a code's last use. No codes: no query."""
    codes = [normalize_code(c) for c in codes if normalize_code(c)]
    if not codes or not lines:
        return CouponPricing()
    now = now or timezone.now()
    queryset = Coupon.objects.by_codes(codes).order_by("pk")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    found = {c.code.upper(): c for c in queryset}
    usage = _usage(list(found.values()), customer)
    tree = category_tree() if any(c.category_id for c in found.values()) else None
    goods = sum((line.amount for line in lines), ZERO)
    left = {line.key: line.amount for line in lines}
    pricing = CouponPricing(line_discounts=dict.fromkeys(left, ZERO))
    language = get_language() or "en"
    for code in dict.fromkeys(codes):  # each code once, in the order entered
        coupon = found.get(code)
        eligible = _eligible_keys(coupon, lines, tree) if coupon is not None else []
        message = _refusal(coupon, code, goods=goods, eligible=sum((left[k] for k in eligible), ZERO),
                           customer=customer, uses=usage.get(coupon.pk, (0, 0)) if coupon else (0, 0), now=now)
        if not message and pricing.applied and not (coupon.stackable and all(a.coupon.stackable
                                                                           for a in pricing.applied)):
            message = _("The code %(code)s can't be combined with %(other)s.") % {
                "code": code, "other": pricing.codes}
        if message:
            pricing.refused.append(RefusedCode(code, message))
            continue
        base = {k: left[k] for k in eligible if left[k] > 0}
        remaining = sum(base.values(), ZERO)
        if coupon.kind == Coupon.Kind.PERCENT:
            amount = (remaining * coupon.value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        elif coupon.kind == Coupon.Kind.FIXED:
            amount = min(coupon.value, remaining)
        else:
            amount = ZERO
        for key, part in allocate(amount, base).items():
            left[key] -= part
            pricing.line_discounts[key] += part
        pricing.applied.append(AppliedCoupon(coupon, code, coupon.label(language), amount))
    return pricing
