"""Staff cancel an order the customer paid by card (issue 18, item 5): a confirmation page says what will happen;
once confirmed, the stock goes back, the card refund goes to (the fake) Stripe and the customer is emailed."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory.models import Stock
from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Invoice, Refund
from payments.services.card import card_payment_start
from payments.services.refunds import refunds_send_pending
from tests.e2e.helpers import admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def paid_card_order(delivery, mug, stripe) -> Order:
    """Ana's card order for two mugs ($53.03 in Alberta), paid on Stripe's page; the webhooks reached the shop."""
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    details = CheckoutDetails(email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", delivery_method_id=delivery.pk, payment_method="card")
    order = order_place(cart=cart, details=details, language="en")
    payment = card_payment_start(order=order, success_url="http://shop.test/done", cancel_url="http://shop.test/no")
    stripe.session_pay(payment.provider_id)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def test_staff_cancel_a_paid_card_order_after_confirming_and_the_customer_is_refunded_and_emailed(
        page: Page, mug, canada, staff, stripe_fake_live):
    order = paid_card_order(canada, mug, stripe_fake_live)

    admin_log_in(page, staff)
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    page.get_by_role("link", name="Cancel this order…").click()

    # What will happen, before anything does.
    expect(page.get_by_role("heading", name=f"Cancel order {order.number}?")).to_be_visible()
    plan = page.get_by_role("region", name=f"Order {order.number} (Paid)")
    expect(plan).to_contain_text("Stock back: 2 units go back on sale.")
    expect(plan).to_contain_text("Refund: $53.03 back to the customer’s card, sent to Stripe as soon as you confirm.")
    expect(plan).to_contain_text("The customer is emailed at ana@example.com (language: en)")
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID and not Refund.objects.exists()

    page.get_by_label("Reason (shown to the customer)").fill("The glaze batch failed")
    page.get_by_role("button", name="Yes, cancel the order").click()

    expect(page.get_by_text(f"Order {order.number} is cancelled and its stock released; the customer is emailed. "
                            "Card refund of $53.03 started.")).to_be_visible()
    expect(page.get_by_role("heading", name="Change order")).to_be_visible()
    expect(page.get_by_text("Cancel this order…")).to_have_count(0)
    refunds = page.get_by_role("main").get_by_role("group", name="Refunds")
    expect(refunds).to_contain_text("The glaze batch failed")

    # The stock is back, the refund went through Stripe, the invoice owes nothing either way.
    assert (Stock.objects.get(variant=mug).on_hand, Stock.objects.get(variant=mug).reserved) == (5, 0)
    refund = Refund.objects.get(order=order)
    if refund.status == Refund.Status.PENDING:  # Stripe (the fake, on a busy machine) answered too slowly: the
        refunds_send_pending()                   # beat sweep sends it, as it would in production
        refund.refresh_from_db()
    assert (refund.amount, refund.status) == (Decimal("53.03"), Refund.Status.SUCCEEDED)
    assert [r["amount"] for r in stripe_fake_live.refunds.values()] == [5303]
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.balance) == (Invoice.Status.VOID, Decimal("0.00"))

    # The customer's emails: the cancellation with the refund, then the refund itself.
    cancelled = OutboxEmail.objects.get(reference=order.number, subject__contains="is cancelled")
    assert cancelled.to == "ana@example.com"
    assert "We have cancelled your order" in cancelled.text_body
    assert "We are refunding $53.03 to the card you paid with." in cancelled.text_body
    assert "Reason: The glaze batch failed" in cancelled.text_body
    assert OutboxEmail.objects.filter(reference=order.number, subject__contains="refund of $53.03").count() == 1

    # Ana's order page says so.
    page.goto(order.get_absolute_url())
    expect(page.get_by_text("Status: Cancelled")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("The glaze batch failed")
