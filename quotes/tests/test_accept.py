"""Accepting a quote from its signed link: the line in the cart at the quoted price, then an order like any other."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from checkout.models import Cart, CartLine
from checkout.services.cart import cart_rows, cart_set_quantity, cart_summary
from crm.models import Interaction
from inventory.models import StockMovement
from orders.models import Order, OrderAllocation
from orders.services.reserve import order_stock_reserve
from quotes import links
from quotes.models import Quote
from quotes.services import quote_request, quote_send

from .factories import QuotedFactory

pytestmark = pytest.mark.django_db

QUEBEC = {"email": "ana@example.com", "phone": "514-555-0101", "ship_name": "Ana Tremblay",
          "ship_address": "1 rue Sainte-Catherine", "ship_city": "Montréal", "ship_province": "QC",
          "ship_postal_code": "H2X 1Y4", "payment_method": "cheque"}


def accept(client, quote):
    return client.post(reverse("orders:quote_accept", args=[links.quote_token(quote)]))


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def place(client, canada):
    client.post(reverse("orders:checkout"), {**QUEBEC, "delivery_method": canada.pk})
    review = client.get(reverse("orders:checkout_review"))
    total = review.content.decode().split('name="seen_total" value="')[1].split('"')[0]
    return client.post(reverse("orders:checkout_place"), {"seen_total": total})


def test_a_guest_accepts_and_the_quoted_line_is_in_their_cart_at_the_quoted_price(client, table):
    quote = QuotedFactory(variant=table, product=table.product)

    response = accept(client, quote)

    assert response.status_code == 302 and response["Location"] == reverse("orders:checkout")
    quote.refresh_from_db()
    assert quote.status == "accepted" and quote.accepted_at is not None
    cart = Cart.objects.get(pk=client.session["cart_id"])
    [row] = cart_rows(cart)
    assert (row.variant, row.quantity, row.unit_price, row.line_total, row.quote) == (
        table, 2, Decimal("1150.00"), Decimal("2300.00"), quote)
    assert cart_summary(cart.pk) == (2, Decimal("2300.00"))
    html = client.get(reverse("orders:cart_detail")).content.decode()
    assert "$1,150.00" in html and "$2,300.00" in html and f"Quote {quote.reference}" in html
    assert f'id="qty-{table.pk}"' not in html  # the quantity quoted is not changed in the cart


def test_a_signed_in_customer_accepts_into_their_saved_cart(client, table, django_user_model):
    user = django_user_model.objects.create_user("ana", email="ana@example.com", password="x")
    client.force_login(user)
    quote = QuotedFactory(variant=table, product=table.product)

    accept(client, quote)

    assert CartLine.objects.get(cart__user=user).quote == quote


def test_accepting_and_paying_makes_an_order_at_the_quoted_price_with_its_taxes(
        client, table, canada, django_capture_on_commit_callbacks):
    quote = QuotedFactory(variant=table, product=table.product)
    accept(client, quote)

    with django_capture_on_commit_callbacks(execute=True):
        response = place(client, canada)

    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    assert list(order.lines.values_list("sku", "unit_price", "quantity", "line_total", "backordered")) == [
        ("TABLE-1", Decimal("1150.00"), 2, Decimal("2300.00"), 0)]
    # $2,300.00 + $12.00 delivery + $2.50 handling; GST 5 % and QST 9.975 % on $2,314.50
    assert [(t.name, t.amount) for t in order.tax_lines.all()] == [("GST", Decimal("115.73")),
                                                                    ("QST", Decimal("230.87"))]
    assert (order.subtotal, order.tax_total, order.total) == (Decimal("2300.00"), Decimal("346.60"),
                                                              Decimal("2661.10"))
    # made after the order: nothing reserved, nothing on backorder
    assert not OrderAllocation.objects.exists() and not StockMovement.objects.exists()
    quote.refresh_from_db()
    assert (quote.status, quote.order) == ("ordered", order)
    assert "$2,661.10" in mail.outbox[-1].body
    order_stock_reserve(order=order)  # as a late card payment does: still nothing to hold, no error
    assert not OrderAllocation.objects.exists()


def test_a_quote_is_accepted_once(client, table):
    quote = QuotedFactory(variant=table, product=table.product)
    token = links.quote_token(quote)  # one link, clicked twice (a new token a second later would differ)
    client.post(reverse("orders:quote_accept", args=[token]))

    again = client.post(reverse("orders:quote_accept", args=[token]))

    assert again["Location"] == reverse("quotes:quote_detail", kwargs={"token": token})
    assert "This quote was already accepted." in said(again)
    assert CartLine.objects.count() == 1


def test_an_expired_quote_cannot_be_accepted(client, table):
    quote = QuotedFactory(variant=table, product=table.product,
                          valid_until=timezone.localdate() - datetime.timedelta(days=1))

    response = accept(client, quote)

    assert any("expired" in message and "can no longer be accepted" in message for message in said(response))
    quote.refresh_from_db()
    assert quote.status == "quoted" and not CartLine.objects.exists()


def test_a_quoted_line_whose_quote_expired_before_the_order_is_refused(client, table, canada):
    quote = QuotedFactory(variant=table, product=table.product)
    accept(client, quote)
    client.post(reverse("orders:checkout"), {**QUEBEC, "delivery_method": canada.pk})
    review = client.get(reverse("orders:checkout_review"))
    total = review.content.decode().split('name="seen_total" value="')[1].split('"')[0]
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    response = client.post(reverse("orders:checkout_place"), {"seen_total": total})

    assert response["Location"] == reverse("orders:cart_detail")
    assert any(f"Quote {quote.reference} expired on" in message for message in said(response))
    assert not Order.objects.exists()
    quote.refresh_from_db()
    assert quote.status == "accepted"


def test_the_quantity_of_a_quoted_line_stays_the_one_quoted(client, table):
    quote = QuotedFactory(variant=table, product=table.product)
    accept(client, quote)
    cart = Cart.objects.get()

    change = cart_set_quantity(cart=cart, variant_id=table.pk, quantity=5)

    assert change.level == "warning" and "the quantity of a quoted item is the one quoted" in change.message
    assert CartLine.objects.get().quantity == 2


def test_the_quote_story_is_on_the_customers_crm_timeline(client, table, canada, staff_in,
                                                          django_capture_on_commit_callbacks):
    clerk = staff_in("Store staff")
    with django_capture_on_commit_callbacks(execute=True):
        quote = quote_request(product=table.product, variant=table, name="Ana Tremblay", email="ana@example.com",
                              phone="", specifics="Oak", quantity=2, wanted_on=None, language="en")
        quote_send(quote_id=quote.pk, unit_price=Decimal("1150.00"), lead_time_days=30,
                   valid_until=timezone.localdate() + datetime.timedelta(days=10), user=clerk)
    accept(client, quote)
    with django_capture_on_commit_callbacks(execute=True):
        place(client, canada)

    order = Order.objects.get()
    ref = quote.reference
    assert [i.subject for i in Interaction.objects.filter(contact=quote.contact).order_by("occurred_at", "pk")] == [
        f"Quote {ref} requested", f"Quote {ref} sent: $2,300.00", f"Quote {ref} accepted: $2,300.00",
        f"Quote {ref} ordered: order {order.number}"]
    assert Interaction.objects.get(subject__startswith=f"Quote {ref} sent").created_by == clerk


def test_a_made_to_order_line_is_listed_to_prepare_and_ships_without_stock(client, table, canada, admin_user,
                                                                        django_capture_on_commit_callbacks):
    from payments.services.received import payment_record
    from shipping.models import Carrier
    from shipping.services.shipments import ShipmentError, orders_to_prepare, shipment_create

    accept(client, QuotedFactory(variant=table, product=table.product))
    with django_capture_on_commit_callbacks(execute=True):
        place(client, canada)
    order = Order.objects.get()
    payment_record(order=order, amount=order.total, method="cheque", user=admin_user)
    carrier, _created = Carrier.objects.update_or_create(code="purolator", defaults={
        "name": "Purolator", "is_active": True, "tracking_pattern": r"^[A-Z0-9]{12}$"})
    line = order.lines.get()

    [listed] = orders_to_prepare()
    assert [(row.line.sku, row.made, row.held, row.left) for row in listed.to_ship] == [("TABLE-1", 2, 0, 2)]
    with pytest.raises(ShipmentError):  # never more than was ordered
        shipment_create(order=order, carrier=carrier, tracking_number="AB12CD34EF56", quantities={line.pk: 3})
    shipment_create(order=order, carrier=carrier, tracking_number="AB12CD34EF56", quantities={line.pk: 1})
    shipment_create(order=order, carrier=carrier, tracking_number="AB12CD34EF57", quantities={line.pk: 1})

    order.refresh_from_db()
    assert line.made_to_order and order.status == "shipped" and orders_to_prepare() == []
    assert not StockMovement.objects.exists()  # nothing taken from any shelf
