"""The sales taxes of the provinces and territories the other tests never ship to, as the migration seeds them
(orders/rates.py, rates in force in 2026): a guest checks out to an address there, the review shows the tax lines and
the order keeps them.

The cart of every case: 2 mugs at $18.00 and a kettle at $79.00 = $115.00, standard delivery $12.00 and handling
$2.50. Every seeded rate also applies to shipping and handling, so each tax is charged on $129.50 and rounded half-up
to the cent once for the order:
    GST 5 %   129.50 × 0.05  =  6.475 -> $6.48
    PST 7 %   129.50 × 0.07  =  9.065 -> $9.07  (Manitoba's retail sales tax, shown as PST)
    HST 15 %  129.50 × 0.15  = 19.425 -> $19.43 (New Brunswick, Newfoundland and Labrador, Prince Edward Island)
"""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from orders.models import DeliveryMethod, Order, TaxRate
from orders.tests.test_checkout import checkout, fill_cart, place

pytestmark = pytest.mark.django_db

D = Decimal
GUEST = {"email": "ana@example.com", "phone": "", "ship_name": "Ana Tremblay", "payment_method": "cheque"}


@pytest.fixture
def migrated_rates(db):
    """Exactly the rows the migration writes (whatever earlier tests left in the table)."""
    TaxRate.objects.all().delete()
    importlib.import_module("orders.migrations.0002_tax_rates_and_delivery").seed(apps, None)
    return DeliveryMethod.objects.get(code="standard")


def review_rows(client) -> list[tuple[str, str]]:
    """The price breakdown's totals on the review page, as read: (label, amount)."""
    html = client.get(reverse("orders:checkout_review")).content.decode()
    rows = re.findall(r'<tr[^>]*><th scope="row" colspan="3">(.*?)</th><td[^>]*>(.*?)</td></tr>', html)
    return [(" ".join(re.sub(r"<[^>]+>", "", label).split()), amount) for label, amount in rows]


@pytest.mark.parametrize("province, city, street, postal_code, tax_rows, tax_lines, total", [
    ("MB", "Winnipeg", "510 Main St", "R3B 1B9", [("GST 5 %", "$6.48"), ("PST 7 %", "$9.07")],
     [("GST", "5", "6.48"), ("PST", "7", "9.07")], "$145.05"),
    ("NB", "Fredericton", "397 Queen St", "E3B 1B5", [("HST 15 %", "$19.43")], [("HST", "15", "19.43")], "$148.93"),
    ("NL", "St. John's", "10 Water St", "A1C 1A1", [("HST 15 %", "$19.43")], [("HST", "15", "19.43")], "$148.93"),
    ("PE", "Charlottetown", "165 Richmond St", "C1A 1J1", [("HST 15 %", "$19.43")], [("HST", "15", "19.43")],
     "$148.93"),
    ("NT", "Yellowknife", "4807 49 St", "X1A 3T5", [("GST 5 %", "$6.48")], [("GST", "5", "6.48")], "$135.98"),
    ("NU", "Iqaluit", "926 Queen Elizabeth Way", "X0A 0H0", [("GST 5 %", "$6.48")], [("GST", "5", "6.48")],
     "$135.98"),
    ("YT", "Whitehorse", "2121 2nd Ave", "Y1A 1C8", [("GST 5 %", "$6.48")], [("GST", "5", "6.48")], "$135.98"),
])
def test_a_checkout_to_the_province_charges_its_sales_taxes_on_goods_shipping_and_handling(
    client, migrated_rates, mug, kettle, province, city, street, postal_code, tax_rows, tax_lines, total
):
    fill_cart(client, (mug, 2), (kettle, 1))
    address = {**GUEST, "ship_address": street, "ship_city": city, "ship_province": province,
               "ship_postal_code": postal_code}
    assert checkout(client, migrated_rates, address).status_code == 302

    assert review_rows(client) == [
        ("Items", "$115.00"),
        ("Shipping (Standard delivery (flat rate, anywhere in Canada))", "$12.00"),
        ("Handling and packaging", "$2.50"),
        *tax_rows,
        ("Total (CAD)", total),
    ]
    assert place(client).status_code == 302
    order = Order.objects.get()
    assert order.ship_province == province
    assert [(t.name, t.rate, t.base, t.amount) for t in order.tax_lines.all()] == [
        (name, D(rate), D("129.50"), D(amount)) for name, rate, amount in tax_lines]
    assert (order.tax_total, order.total) == (sum(D(amount) for _n, _r, amount in tax_lines), D(total[1:]))
