"""Recording the uses of codes, inside the order's transaction (checkout.services.placing)."""

from decimal import Decimal

from ..models import CouponRedemption
from .pricing import CouponPricing


def coupons_redeem(*, pricing: CouponPricing, order, user=None) -> list[CouponRedemption]:
    """One use per applied code for `order`. Call inside the transaction that priced the order with
    coupons_price(lock=True): the coupon rows are locked and their uses were counted under that lock."""
    if not pricing.applied:
        return []
    user = user if user is not None and getattr(user, "is_authenticated", False) else None
    return CouponRedemption.objects.bulk_create([
        CouponRedemption(coupon=applied.coupon, order=order, user=user, email=order.email.lower(),
                         amount=applied.amount + applied.shipping_waived)
        for applied in pricing.applied
    ])


def redemptions_total(*, pricing: CouponPricing) -> Decimal:
    return sum((a.amount + a.shipping_waived for a in pricing.applied), Decimal("0.00"))
