"""Paying for an order in a real browser: by card on the (fake) Stripe page, and by cheque recorded by staff.

Each test makes its own data for the live server; nothing is shared. The fake Stripe (payments/fake_stripe.py)
serves its hosted payment page and, with `stripe_fake_live`, posts signed webhooks to the live server: by default
before it sends the shopper back, or, with `hold_webhooks`, only when the test releases them.

The cart of every test: 2 × Stoneware Mug at $18.00 = $36.00, + shipping $12.00 + handling $2.50 = $50.50;
GST 5 % of 50.50 = 2.525 -> $2.53 (half-up); total $53.03, in Alberta.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from inventory.models import Stock, StockMovement
from orders.models import Order
from payments.models import Invoice, Payment, Refund, StripeEvent
from tests.e2e.helpers import admin_log_in, cart_button, fill_calgary_checkout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTAL = "$53.03"
GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
PAID_SOON = 10_000  # ms: a webhook, a meta refresh (3 s) and a page load


def order_status(page: Page):
    return page.get_by_text(re.compile(r"^Status: "))


def money_rows(page: Page):
    return page.get_by_role("region", name="Invoice and payments").get_by_role("row")


def check_out_two_mugs(page: Page, mug, *, payment: str) -> Order:
    """A guest puts two mugs in the cart, fills the checkout for Calgary, reviews and places the order: a card
    order lands on Stripe's page, any other on the order's page. Returns the order, read once it is committed."""
    page.goto(mug.product.get_absolute_url())
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Stoneware Mug", level=1)).to_be_visible()
    main.get_by_label("Quantity").fill("2")
    main.get_by_role("button", name="Add to cart").click()
    expect(cart_button(page)).to_have_text("Cart: 2 items, $36.00")
    cart_button(page).click()
    page.get_by_role("link", name="Check out").click()

    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    fill_calgary_checkout(page, email="ana@example.com", name="Ana Tremblay", payment=payment)
    page.get_by_role("button", name="Review my order").click()

    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Price breakdown").get_by_role("row").last).to_have_text(
        f"Total (CAD) {TOTAL}", use_inner_text=True)
    expect(page.get_by_text(f"Payment: {payment}")).to_be_visible()
    by_card = payment == "Credit card"
    page.get_by_role("button", name=f"{'Place order and pay' if by_card else 'Place order'} — {TOTAL}").click()
    if by_card:
        expect(page.get_by_role("heading", name="Pay comptoir", level=1)).to_be_visible()
    else:
        expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
    return Order.objects.get()


def expect_stripe_page(page: Page, order: Order) -> None:
    """The hosted payment page, for exactly what the order costs."""
    expect(page.get_by_role("heading", name="Pay comptoir", level=1)).to_be_visible()
    expect(page.get_by_text(f"{TOTAL} CAD", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Order {order.number}", exact=True)).to_be_visible()
    expect(page.get_by_text("Receipt to ana@example.com", exact=True)).to_be_visible()


def pay_with(page: Page, card: str) -> None:
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay").click()


def today() -> str:
    """Today as the pages write it in English ("Nov. 23, 2026")."""
    return date_format(timezone.localdate(), "DATE_FORMAT")


def test_a_card_payment_confirmed_before_the_shopper_returns_shows_the_order_paid(page: Page, mug, stripe_fake_live):
    order = check_out_two_mugs(page, mug, payment="Credit card")
    expect_stripe_page(page, order)
    pay_with(page, GOOD_CARD)

    # The webhook came before the redirect: the order is paid when the shopper sees it.
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(order_status(page)).to_have_text("Status: Paid")
    expect(page.get_by_role("region", name="Waiting for your payment")).to_have_count(0)
    expect(page.get_by_role("button", name="Pay now")).to_have_count(0)
    expect(money_rows(page)).to_have_text([
        "Date What Amount",
        f"{today()} Invoice INV-{order.number} {TOTAL}",
        f"{today()} Credit card — Received -{TOTAL}",
        "Balance due $0.00",
    ], use_inner_text=True)
    expect(page.get_by_role("region", name="Timeline").get_by_role("listitem")).to_have_text([
        re.compile(r"— Received$"), re.compile(r"— Paid \(Card payment received\)$")])
    expect(cart_button(page)).to_have_text("Cart: 0 items, $0.00")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    [payment] = Payment.objects.all()
    assert (payment.method, payment.status, payment.amount) == ("card", "succeeded", Decimal("53.03"))
    assert payment.payment_intent.startswith("pi_")
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("paid", Decimal("53.03"), Decimal("0.00"))
    # Paying keeps the stock held for the order; nothing was released.
    assert [(s.on_hand, s.reserved) for s in Stock.objects.filter(variant=mug)] == [(5, 2)]
    assert list(StockMovement.objects.filter(reference=order.number).values_list("kind", "reserved_delta")) == [
        ("online_reservation", 2)]
    assert sorted(StripeEvent.objects.values_list("type", flat=True)) == [
        "checkout.session.completed", "payment_intent.succeeded"]


def test_back_from_stripe_before_the_webhook_the_page_waits_then_shows_paid(page: Page, mug, stripe_fake_live):
    order = check_out_two_mugs(page, mug, payment="Credit card")
    expect_stripe_page(page, order)
    stripe_fake_live.hold_webhooks = True
    pay_with(page, GOOD_CARD)

    # Stripe sent the shopper back, but its confirmation is still on the way.
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(order_status(page)).to_have_text("Status: Received")
    waiting = page.get_by_role("region", name="Waiting for your payment")
    expect(waiting.get_by_role("status")).to_have_text(
        "Thank you! We are waiting for the card processor to confirm your payment; this page updates by itself.")
    expect(waiting.get_by_role("button", name="Pay now")).to_have_count(0)
    assert Payment.objects.get().status == Payment.Status.PENDING

    assert stripe_fake_live.release_webhooks() == [200, 200]

    # The page looks again by itself (meta refresh) and shows the order paid.
    expect(order_status(page)).to_have_text("Status: Paid", timeout=PAID_SOON)
    expect(page.get_by_role("region", name="Waiting for your payment")).to_have_count(0)
    expect(money_rows(page).filter(has_text="Credit card")).to_have_text(
        [f"{today()} Credit card — Received -{TOTAL}"], use_inner_text=True)
    expect(money_rows(page).last).to_have_text("Balance due $0.00", use_inner_text=True)
    [payment] = Payment.objects.all()
    assert (payment.status, payment.amount) == ("succeeded", Decimal("53.03"))
    assert Stock.objects.get(variant=mug).reserved == 2


def test_a_declined_card_then_pay_now_with_a_good_card_pays_the_order_once(page: Page, mug, stripe_fake_live):
    order = check_out_two_mugs(page, mug, payment="Credit card")
    expect_stripe_page(page, order)
    pay_with(page, DECLINED_CARD)

    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_be_visible()  # the page stays open for another card
    page.get_by_role("link", name="Back to the shop").click()

    # Back on the order: the failure, and a way to try again.
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(order_status(page)).to_have_text("Status: Received")
    waiting = page.get_by_role("region", name="Waiting for your payment")
    expect(waiting.get_by_role("alert")).to_have_text(
        "Your last payment attempt did not go through: Your card was declined.")
    expect(waiting).to_contain_text(f"Pay {TOTAL} by card to confirm the order.")
    expect(money_rows(page).filter(has_text="Credit card")).to_have_text(
        [f"{today()} Credit card — Failed: Your card was declined."], use_inner_text=True)
    waiting.get_by_role("button", name="Pay now").click()

    # A new payment page, for the same total; this card pays.
    expect_stripe_page(page, order)
    expect(page.get_by_role("alert")).to_have_count(0)
    pay_with(page, GOOD_CARD)

    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(order_status(page)).to_have_text("Status: Paid")
    expect(page.get_by_role("button", name="Pay now")).to_have_count(0)
    expect(money_rows(page).filter(has_text="Credit card")).to_have_text([
        f"{today()} Credit card — Failed: Your card was declined.",
        f"{today()} Credit card — Received -{TOTAL}",
    ], use_inner_text=True)
    expect(money_rows(page).last).to_have_text("Balance due $0.00", use_inner_text=True)

    assert list(Payment.objects.order_by("pk").values_list("status", "amount")) == [
        ("failed", Decimal("53.03")), ("succeeded", Decimal("53.03"))]
    assert len(stripe_fake_live.sessions) == 2
    assert Invoice.objects.get(order=order).amount_paid == Decimal("53.03")


def test_staff_record_a_cheque_in_two_parts_then_refund_part_of_one(page: Page, new_context, mug, staff):
    order = check_out_two_mugs(page, mug, payment="Cheque")
    expect(order_status(page)).to_have_text("Status: Received")

    # Staff find the unpaid invoice.
    desk = new_context().new_page()
    admin_log_in(desk, staff)
    desk.get_by_role("table", name="Money").get_by_role("link", name="Invoices").click()
    expect(desk.get_by_role("heading", name="Select invoice to change")).to_be_visible()
    filters = desk.get_by_role("search", name="Filter")
    filters.get_by_role("group").filter(has_text="By payment").get_by_role("link", name="Unpaid").click()
    invoice_row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=f"INV-{order.number}", exact=True))
    expect(invoice_row).to_contain_text("Ana Tremblay")
    expect(invoice_row.get_by_role("cell").filter(has_text=re.compile(r"^\$"))).to_have_text(TOTAL)  # the balance
    invoice_row.get_by_role("link", name=f"INV-{order.number}", exact=True).click()
    expect(desk.get_by_role("heading", name="Change invoice")).to_be_visible()

    # A first cheque, for part of it.
    desk.get_by_role("link", name="Record a payment").click()
    expect(desk.get_by_role("heading", name=f"Record a payment for invoice INV-{order.number}")).to_be_visible()
    expect(desk.get_by_label("Amount received (CAD)")).to_have_value("53.03")
    desk.get_by_label("Amount received (CAD)").fill("20.00")
    desk.get_by_label("Method").select_option(label="Cheque")
    desk.get_by_label("Reference").fill("1042")  # the cheque's number
    desk.get_by_role("button", name="Record the payment").click()
    expect(desk.get_by_text(f"Payment recorded. Balance on INV-{order.number}: $33.03.", exact=True)).to_be_visible()

    # More than is owed is refused on the form.
    desk.get_by_role("link", name="Record a payment").click()
    due = date_format(Invoice.objects.get(order=order).due_on, "DATE_FORMAT")
    # The figures above the form: what the invoice is, has received and still owes.
    expect(desk.get_by_role("main").get_by_role("term")).to_have_text(
        ["Order", "Invoice amount", "Paid so far", "Balance", "Due"])
    expect(desk.get_by_role("main").get_by_role("definition")).to_have_text(
        [order.number, TOTAL, "$20.00", "$33.03", due])
    expect(desk.get_by_label("Amount received (CAD)")).to_have_value("33.03")
    desk.get_by_label("Amount received (CAD)").fill("33.04")
    desk.get_by_label("Reference").fill("1043")
    desk.get_by_role("button", name="Record the payment").click()
    expect(desk.get_by_text(f"This is more than the $33.03 still owed on invoice INV-{order.number}.",
                            exact=True)).to_be_visible()
    expect(desk.get_by_label("Amount received (CAD)")).to_have_value("33.04")
    expect(desk.get_by_label("Reference")).to_have_value("1043")

    # The rest.
    desk.get_by_label("Amount received (CAD)").fill("33.03")
    desk.get_by_role("button", name="Record the payment").click()
    expect(desk.get_by_text(f"Payment recorded. Balance on INV-{order.number}: $0.00.", exact=True)).to_be_visible()
    expect(desk.get_by_role("link", name="Record a payment")).to_have_count(0)

    # On the order: refund part of the first cheque.
    desk.get_by_role("link", name=order.number, exact=True).click()
    expect(desk.get_by_role("heading", name="Change order")).to_be_visible()
    expect(desk.get_by_text(f"INV-{order.number} — balance $0.00", exact=True)).to_be_visible()
    first_cheque = desk.get_by_role("row").filter(has_text="1042")
    first_cheque.get_by_role("link", name="Refund…").click()
    expect(desk.get_by_role("heading", name=f"Refund a payment on order {order.number}")).to_be_visible()
    expect(desk.get_by_label("Amount to refund (CAD)")).to_have_value("20.00")
    desk.get_by_label("Amount to refund (CAD)").fill("7.50")
    desk.get_by_label("Reason").fill("One mug arrived chipped")
    desk.get_by_role("button", name="Refund").click()
    expect(desk.get_by_text("Refund of $7.50: Refunded.", exact=True)).to_be_visible()

    # The customer's page.
    page.goto(order.get_absolute_url())
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(order_status(page)).to_have_text("Status: Paid")
    expect(money_rows(page)).to_have_text([
        "Date What Amount",
        f"{today()} Invoice INV-{order.number} {TOTAL}",
        f"{today()} Cheque — Received (1042) -$20.00",
        f"{today()} Cheque — Received (1043) -$33.03",
        f"{today()} Credit: One mug arrived chipped -$7.50",
        f"{today()} Refund — Refunded: One mug arrived chipped $7.50",
        "Balance due $0.00",
    ], use_inner_text=True)
    expect(page.get_by_role("region", name="Timeline").get_by_role("listitem")).to_have_text([
        re.compile(r"— Received$"),
        # a step that leaves the status as it was is told in its own words (issue 19)
        re.compile(r"— Payment of \$20\.00 received \(Cheque 1042\); \$33\.03 left to pay\.$"),
        re.compile(r"— Paid \(Payment of \$33\.03 received \(Cheque 1043\); \$0\.00 left to pay\.\)$"),
        re.compile(r"— Refund of \$7\.50: One mug arrived chipped$"),
    ])

    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_paid, invoice.amount_refunded, invoice.amount_credited) == (
        "paid", Decimal("53.03"), Decimal("7.50"), Decimal("7.50"))
    assert invoice.balance == Decimal("0.00")
    assert list(Payment.objects.order_by("pk").values_list("method", "status", "amount", "reference")) == [
        ("cheque", "succeeded", Decimal("20.00"), "1042"),
        ("cheque", "succeeded", Decimal("33.03"), "1043")]
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.status, refund.created_by) == (Decimal("7.50"), "succeeded", staff)
