from decimal import Decimal

import factory

from coupons.models import Coupon


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"CODE{n}")
    description = "Ten percent off"
    description_fr = "Dix pour cent de rabais"
    kind = Coupon.Kind.PERCENT
    value = Decimal("10")
    max_uses_per_customer = None
