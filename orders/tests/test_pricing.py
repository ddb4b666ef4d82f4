from decimal import Decimal

import pytest

from orders.models import TaxRate
from orders.services.pricing import quote_build

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize("province, taxes, total", [
    ("AB", [("GST", "6.48")], "135.98"),
    ("QC", [("GST", "6.48"), ("QST", "12.92")], "148.90"),
    ("ON", [("HST", "16.84")], "146.34"),
    ("BC", [("GST", "6.48"), ("PST", "9.07")], "145.05"),
    ("NS", [("HST", "18.13")], "147.63"),
    ("SK", [("GST", "6.48"), ("PST", "7.77")], "143.75"),
])
def test_sales_taxes_follow_the_delivery_province_on_goods_and_shipping(canada, province, taxes, total):
    # 2 mugs at $18.00 + a kettle at $79.00 = $115.00, delivery $12.00 + handling $2.50: taxable base $129.50
    quote = quote_build(subtotal=D("115.00"), province=province, delivery=canada)

    assert [(t.name, str(t.amount)) for t in quote.taxes] == taxes
    assert (quote.subtotal, quote.shipping, quote.handling) == (D("115.00"), D("12.00"), D("2.50"))
    assert quote.total == D(total)


def test_a_tax_that_does_not_apply_to_shipping_is_charged_on_goods_only(canada):
    TaxRate.objects.filter(province="BC", name="PST").update(on_shipping=False)

    quote = quote_build(subtotal=D("115.00"), province="BC", delivery=canada)

    assert [(t.name, t.base, t.amount) for t in quote.taxes] == [
        ("GST", D("129.50"), D("6.48")), ("PST", D("115.00"), D("8.05"))]


def test_staff_edits_to_a_rate_apply_to_the_next_quote(canada):
    TaxRate.objects.filter(province="ON").update(rate=D("15"))

    assert quote_build(subtotal=D("100.00"), province="ON", delivery=canada).tax_total == D("17.18")


def test_half_cents_round_up(canada):
    quote = quote_build(subtotal=D("0.10"), province="AB", delivery=None)  # 5% of 0.10 = 0.005

    assert quote.taxes[0].amount == D("0.01")
    assert quote.total == D("0.11")
