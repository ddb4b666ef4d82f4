"""Rules of the quote that only mutation testing (make mutation) showed untested: a discount."""

from decimal import Decimal

import pytest

from orders.services.pricing import quote_build

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_discount_comes_off_the_goods_before_their_taxes_and_off_the_total(canada):
    # Goods $115.00 less a $15.00 discount = $100.00, plus delivery $12.00 and handling $2.50: GST base $114.50,
    # 5% = $5.725, rounded half-up to $5.73. Total: 115.00 + 12.00 + 2.50 - 15.00 + 5.73 = $120.23.
    quote = quote_build(subtotal=D("115.00"), province="AB", delivery=canada, discount=D("15.00"))

    assert [(t.name, t.base, t.amount) for t in quote.taxes] == [("GST", D("114.50"), D("5.73"))]
    assert quote.discount == D("15.00")
    assert quote.total == D("120.23")
