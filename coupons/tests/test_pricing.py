"""Coupons priced to the cent in several provinces, through the order's own placing (orders.tests' fixtures: a mug
at $18.00, a kettle at $79.00, standard delivery $12.00 + $2.50 handling). The cart: 2 mugs + 1 kettle = $115.00.
Canadian rule: a discount the seller gives at the sale lowers the taxable amount."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import CategoryFactory
from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, TotalChanged, order_place
from coupons.models import Coupon, CouponRedemption
from coupons.services.pricing import Customer, PricedLine, allocate, coupons_price
from orders.models import TaxRate

from .factories import CouponFactory

pytestmark = pytest.mark.django_db
D = Decimal
PLACES = {"AB": ("Calgary", "T2P 1J9"), "ON": ("Toronto", "M5V 2T6"), "QC": ("Montréal", "H2X 1Y4"),
          "BC": ("Vancouver", "V6B 1A1")}


def details(canada, province: str, email: str = "ana@example.com") -> CheckoutDetails:
    city, postal_code = PLACES[province]
    return CheckoutDetails(email=email, phone="", ship_name="Ana Tremblay", ship_address="1 Main St", ship_city=city,
                           ship_province=province, ship_postal_code=postal_code, delivery_method_id=canada.pk,
                           payment_method="cheque")


def cart_of(mug, kettle, *codes) -> Cart:
    cart = Cart.objects.create(coupon_codes=list(codes))
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    cart_services.cart_add(cart=cart, variant_id=kettle.pk, quantity=1)
    return cart


def place(canada, mug, kettle, province, *codes, email="ana@example.com"):
    return order_place(cart=cart_of(mug, kettle, *codes), details=details(canada, province, email), language="en")


def money_of(order):
    return (order.subtotal, order.shipping, order.handling, order.discount,
            [(t.name, t.base, t.amount) for t in order.tax_lines.all()], order.total)


def line_discounts(order):
    return dict(order.lines.values_list("sku", "discount"))


def test_ten_percent_off_the_order_in_alberta_lowers_the_gst_base(canada, mug, kettle):
    CouponFactory(code="TEN", value=D("10"))

    order = place(canada, mug, kettle, "AB", "ten")

    # 115.00 - 11.50 = 103.50 of goods; GST 5 % on 103.50 + 12.00 + 2.50 = 118.00 -> 5.90
    assert money_of(order) == (D("115.00"), D("12.00"), D("2.50"), D("11.50"), [("GST", D("118.00"), D("5.90"))],
                               D("123.90"))
    assert line_discounts(order) == {"MUG-1": D("3.60"), "KET-1": D("7.90")}
    assert order.coupon_codes == "TEN"
    [use] = CouponRedemption.objects.all()
    assert (use.order, use.email, use.amount) == (order, "ana@example.com", D("11.50"))


def test_twenty_dollars_off_in_ontario_split_across_lines_by_largest_remainder(canada, mug, kettle):
    CouponFactory(code="TWENTY", kind=Coupon.Kind.FIXED, value=D("20.00"))

    order = place(canada, mug, kettle, "ON", "TWENTY")

    # HST 13 % on 95.00 + 14.50 = 109.50 -> 14.235 -> 14.24 (half up)
    assert money_of(order) == (D("115.00"), D("12.00"), D("2.50"), D("20.00"), [("HST", D("109.50"), D("14.24"))],
                               D("123.74"))
    # 20.00 x 36/115 = 6.2608..., x 79/115 = 13.7391...: the last cent goes to the larger remainder (the kettle)
    assert line_discounts(order) == {"MUG-1": D("6.26"), "KET-1": D("13.74")}


def test_a_category_coupon_in_quebec_only_reduces_that_categorys_lines_subcategories_included(canada, mug, kettle):
    kitchen = CategoryFactory(name="Kitchen")
    kettle.product.category.parent = kitchen
    kettle.product.category.save()
    CouponFactory(code="KITCHEN25", value=D("25"), category=kitchen)

    order = place(canada, mug, kettle, "QC", "KITCHEN25")

    # 25 % of the kettle (79.00) = 19.75; GST 5 % and QST 9.975 % on 95.25 + 14.50 = 109.75
    assert money_of(order) == (D("115.00"), D("12.00"), D("2.50"), D("19.75"),
                               [("GST", D("109.75"), D("5.49")), ("QST", D("109.75"), D("10.95"))], D("126.19"))
    assert line_discounts(order) == {"MUG-1": D("0.00"), "KET-1": D("19.75")}


def test_free_shipping_in_british_columbia_waives_the_shipping_and_its_gst_pst_not_on_shipping(canada, mug, kettle):
    TaxRate.objects.filter(province="BC", name="PST").update(on_shipping=False)
    CouponFactory(code="SHIPFREE", kind=Coupon.Kind.FREE_SHIPPING, value=D("0"))

    order = place(canada, mug, kettle, "BC", "SHIPFREE")

    # shipping 0 (handling stays 2.50): GST on 115.00 + 2.50 = 117.50 -> 5.875 -> 5.88; PST 7 % on 115.00 = 8.05
    assert money_of(order) == (D("115.00"), D("0.00"), D("2.50"), D("0.00"),
                               [("GST", D("117.50"), D("5.88")), ("PST", D("115.00"), D("8.05"))], D("131.43"))
    assert CouponRedemption.objects.get().amount == D("12.00")  # what the code saved the customer
    assert order.coupon_codes == "SHIPFREE"


def test_percent_off_in_british_columbia_lowers_both_gst_and_pst(canada, mug, kettle):
    TaxRate.objects.filter(province="BC", name="PST").update(on_shipping=False)
    CouponFactory(code="TEN", value=D("10"))

    order = place(canada, mug, kettle, "BC", "TEN")

    # goods 103.50; GST on 103.50 + 14.50 = 118.00 -> 5.90; PST on 103.50 -> 7.245 -> 7.25
    assert money_of(order) == (D("115.00"), D("12.00"), D("2.50"), D("11.50"),
                               [("GST", D("118.00"), D("5.90")), ("PST", D("103.50"), D("7.25"))], D("131.15"))


def test_a_fixed_discount_larger_than_the_goods_takes_them_to_zero_never_below(canada, mug, kettle):
    CouponFactory(code="BIG", kind=Coupon.Kind.FIXED, value=D("500.00"))

    order = place(canada, mug, kettle, "AB", "BIG")

    # goods 0.00; GST on the shipping and handling only: 14.50 x 5 % = 0.725 -> 0.73
    assert money_of(order) == (D("115.00"), D("12.00"), D("2.50"), D("115.00"), [("GST", D("14.50"), D("0.73"))],
                               D("15.23"))
    assert line_discounts(order) == {"MUG-1": D("36.00"), "KET-1": D("79.00")}


def test_two_stackable_codes_combine_in_the_order_entered(canada, mug, kettle):
    CouponFactory(code="TEN", value=D("10"), stackable=True)
    CouponFactory(code="FIVE", kind=Coupon.Kind.FIXED, value=D("5.00"), stackable=True)

    order = place(canada, mug, kettle, "AB", "TEN", "FIVE")

    # 10 % of 115.00 = 11.50, then 5.00 off the 103.50 left: 16.50; GST on 98.50 + 14.50 = 113.00 -> 5.65
    assert (order.discount, order.tax_total, order.total) == (D("16.50"), D("5.65"), D("118.65"))
    assert sum(line_discounts(order).values()) == D("16.50")
    assert dict(CouponRedemption.objects.values_list("coupon__code", "amount")) == {"TEN": D("11.50"),
                                                                                   "FIVE": D("5.00")}


def test_a_second_code_is_refused_unless_both_may_be_combined(canada, mug, kettle):
    CouponFactory(code="TEN", value=D("10"))
    CouponFactory(code="FIVE", kind=Coupon.Kind.FIXED, value=D("5.00"), stackable=True)
    lines = [PricedLine(1, D("115.00"), None)]

    pricing = coupons_price(codes=["TEN", "FIVE"], lines=lines, customer=Customer())

    assert [a.code for a in pricing.applied] == ["TEN"]
    assert [r.message for r in pricing.refused] == ["The code FIVE can't be combined with TEN."]


def _refusal(code, goods="115.00", customer=None):
    pricing = coupons_price(codes=[code], lines=[PricedLine(1, D(goods), None)], customer=customer or Customer())
    assert not pricing.applied
    return pricing.refused[0].message


def test_each_refusal_says_why(db):
    now = timezone.now()
    CouponFactory(code="MIN150", minimum_order=D("150.00"))
    CouponFactory(code="OLD", starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=1))
    CouponFactory(code="SOON", starts_at=now + timedelta(days=3))
    CouponFactory(code="OFF", is_active=False)
    CouponFactory(code="MINE", email="bob@example.com")

    assert _refusal("nope") == "We don't know the code NOPE. Please check its spelling."
    assert _refusal("min150") == "The code MIN150 needs $150.00 of items: add $35.00 more to use it."
    assert _refusal("OLD").startswith("The code OLD expired on ")
    assert _refusal("SOON").startswith("The code SOON can be used from ")
    assert _refusal("OFF") == "The code OFF is no longer valid."
    assert _refusal("MINE", customer=Customer(email="ana@example.com")) == (
        "The code MINE is reserved for another customer.")


def test_the_minimum_is_on_the_items_before_discounts(db):
    CouponFactory(code="MIN115", minimum_order=D("115.00"))
    assert coupons_price(codes=["MIN115"], lines=[PricedLine(1, D("115.00"), None)], customer=Customer()).applied
    assert _refusal("MIN115", goods="114.99") == "The code MIN115 needs $115.00 of items: add $0.01 more to use it."


def test_a_customer_uses_a_code_once_and_the_total_limit_counts_everyone(canada, mug, kettle):
    CouponFactory(code="ONCE", max_uses_per_customer=1, max_uses=2)
    place(canada, mug, kettle, "AB", "ONCE", email="ana@example.com")

    # the same customer (another case of the same email) is refused, at checkout, with the new total to check
    with pytest.raises(TotalChanged, match="You have already used the code ONCE. Please check the new total."):
        order_place(cart=cart_of(mug, kettle, "ONCE"), details=details(canada, "AB", "ANA@example.com"),
                    language="en", expected_total=D("123.90"))
    # someone else may, and then no one: its 2 uses are taken
    assert place(canada, mug, kettle, "AB", "ONCE", email="bob@example.com").discount == D("11.50")
    assert _refusal("ONCE", customer=Customer(email="cy@example.com")) == (
        "The code ONCE has been used as many times as it can be.")


def test_a_code_that_expired_between_review_and_placing_is_told_and_nothing_is_created(canada, mug, kettle):
    coupon = CouponFactory(code="TEN", value=D("10"))
    cart = cart_of(mug, kettle, "TEN")
    Coupon.objects.filter(pk=coupon.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(TotalChanged, match="The code TEN expired on .* Please check the new total."):
        order_place(cart=cart, details=details(canada, "AB"), language="en", expected_total=D("123.90"))
    assert not CouponRedemption.objects.exists()
    assert list(cart.lines.values_list("quantity", flat=True)) == [2, 1]


def test_allocation_sums_exactly_and_ties_go_to_the_first_line():
    assert allocate(D("0.10"), {1: D("1.00"), 2: D("1.00"), 3: D("1.00")}) == {1: D("0.04"), 2: D("0.03"),
                                                                              3: D("0.03")}
    assert allocate(D("0.00"), {1: D("5.00")}) == {1: D("0.00")}
    parts = allocate(D("33.33"), {1: D("10.01"), 2: D("20.02"), 3: D("70.07")})
    assert sum(parts.values()) == D("33.33")
