"""Business customers buying on account with a purchase order, cheques paid in full or in part, the customer's
statement and the staff's invoice list."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from checkout.models import CartLine
from checkout.services.placing import CheckoutError
from inventory import services as stock_services
from inventory.models import Stock
from orders.models import Order
from payments.models import CreditAccount, CreditNote, Invoice, Payment, Refund
from payments.services import PaymentError
from payments.services.received import payment_record
from payments.services.refunds import refund_create

pytestmark = pytest.mark.django_db

ALBERTA = {"email": "buyer@acme.example", "phone": "403-555-0101", "ship_name": "Ana Tremblay",
           "ship_address": "100 8 Ave SW", "ship_city": "Calgary", "ship_province": "AB",
           "ship_postal_code": "T2P 1J9"}
CREDIT_REFUSED = ("This order ($98.18) would bring what your account owes to $196.36, above its credit limit of "
                  "$150.00. You can pay this order by card or cheque, or pay an open invoice first.")


@pytest.fixture
def buyer(django_user_model):
    return django_user_model.objects.create_user("acme", "buyer@acme.example", "s3cret-pass", first_name="Ana",
                                                 last_name="Tremblay")


@pytest.fixture
def account(buyer):
    return CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("150.00"),
                                        terms_days=30)


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("clerk", "clerk@comptoir.example", "pw", is_staff=True)


def fill_cart(client, variant, quantity=1):
    client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": quantity})


def checkout(client, canada, **fields):
    return client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk, **fields})


def place(client):
    review = client.get(reverse("orders:checkout_review")).content.decode()
    total = review.split('name="seen_total" value="')[1].split('"')[0]
    return client.post(reverse("orders:checkout_place"), {"seen_total": total}, follow=True)


def table_rows(html: str) -> list[list[str]]:
    """The text of each cell of each body row of the page's first table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def long_date(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def reserved(variant) -> int:
    return Stock.objects.get(variant=variant).reserved


# Ordering on account


def test_an_order_over_the_credit_limit_is_refused_until_staff_record_a_payment(
    client, canada, kettle, buyer, account, clerk, order_for
):
    # given: $98.18 already owed on a $150.00 limit
    order_for("account", (kettle, 1), user=buyer, po="PO-1001")
    client.force_login(buyer)
    fill_cart(client, kettle)
    checkout(client, canada, payment_method="account", purchase_order_number="PO-1002")
    review = client.get(reverse("orders:checkout_review")).content.decode()
    assert "Payment: On account (purchase order)" in review and "PO-1002" in review

    # when: a second $98.18 order on account
    refused = place(client)

    # then: the customer reads why, and nothing is created or held
    assert refused.redirect_chain[-1][0] == reverse("orders:cart_detail")
    assert CREDIT_REFUSED in refused.content.decode()
    assert Order.objects.count() == 1 and Invoice.objects.count() == 1
    assert reserved(kettle) == 1
    assert CartLine.objects.filter(cart__user=buyer, variant=kettle, quantity=1).exists()

    # when: staff record a $50.00 cheque (48.18 owed; 48.18 + 98.18 = 146.36 fits in 150.00)
    payment_record(order=Order.objects.get(), amount=Decimal("50.00"), method="cheque", reference="No. 311",
                   user=clerk)
    placed = place(client)

    # then: the same order goes through, on account, with its purchase order number
    order = Order.objects.exclude(purchase_order_number="PO-1001").get()
    html = placed.content.decode()
    assert f"Thank you! Your order {order.number} is received." in html
    assert "PO-1002" in html
    assert (order.total, order.payment_method) == (Decimal("98.18"), Order.PaymentMethod.ACCOUNT)
    assert order.invoice.account == account
    assert reserved(kettle) == 2
    assert Invoice.objects.filter(account=account).open().balance_total() == Decimal("146.36")


def test_an_order_exactly_at_the_credit_limit_goes_through(canada, mug, buyer, account, order_for):
    account.credit_limit = Decimal("68.26")  # two mugs of $34.13
    account.save()
    order_for("account", (mug, 1), user=buyer, po="PO-1")

    order = order_for("account", (mug, 1), user=buyer, po="PO-2")

    assert order.invoice.amount == Decimal("34.13")
    with pytest.raises(CheckoutError, match=r"bring what your account owes to \$102\.39, above its credit limit "
                                            r"of \$68\.26"):
        order_for("account", (mug, 1), user=buyer, po="PO-3")
    assert Order.objects.count() == 2 and reserved(mug) == 2


def test_paying_on_account_is_not_offered_to_a_guest(client, canada, mug):
    fill_cart(client, mug)

    page = client.get(reverse("orders:checkout")).content.decode()
    response = checkout(client, canada, payment_method="account", purchase_order_number="PO-9")

    assert 'value="cheque"' in page and 'value="account"' not in page
    assert "Purchase order number" not in page
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Order.objects.count() == 0


def test_paying_on_account_is_not_offered_to_a_customer_without_a_business_account(
    client, canada, mug, django_user_model
):
    client.force_login(django_user_model.objects.create_user("walkin", "walkin@example.com", "pw"))
    fill_cart(client, mug)

    page = client.get(reverse("orders:checkout")).content.decode()
    response = checkout(client, canada, payment_method="account", purchase_order_number="PO-9")

    assert 'value="account"' not in page
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_a_business_customer_is_offered_to_pay_on_account(client, canada, mug, buyer, account):
    client.force_login(buyer)
    fill_cart(client, mug)

    page = client.get(reverse("orders:checkout")).content.decode()

    assert 'value="account"' in page and "Purchase order number" in page


def test_paying_on_account_needs_a_purchase_order_number(client, canada, mug, buyer, account):
    client.force_login(buyer)
    fill_cart(client, mug)

    response = checkout(client, canada, payment_method="account", purchase_order_number="   ")

    assert response.status_code == 200
    assert "Give your purchase order number to pay on account." in response.content.decode()
    assert client.get(reverse("orders:checkout_review")).status_code == 302  # nothing saved to review
    assert Order.objects.count() == 0


def test_the_purchase_order_number_is_also_required_by_the_service(canada, mug, buyer, account, order_for):
    with pytest.raises(CheckoutError, match="Please give your purchase order number."):
        order_for("account", (mug, 1), user=buyer, po="  ")

    assert Order.objects.count() == 0 and reserved(mug) == 0


def test_an_inactive_business_account_cannot_order_on_account(client, canada, mug, buyer, account, order_for):
    account.is_active = False
    account.save()
    client.force_login(buyer)
    fill_cart(client, mug)

    page = client.get(reverse("orders:checkout")).content.decode()
    response = checkout(client, canada, payment_method="account", purchase_order_number="PO-9")

    assert 'value="account"' not in page
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(CheckoutError):
        order_for("account", (mug, 1), user=buyer, po="PO-9")
    assert Order.objects.count() == 0 and reserved(mug) == 0


def test_an_account_suspended_between_review_and_placing_is_refused_and_nothing_is_created(
    client, canada, mug, buyer, account
):
    client.force_login(buyer)
    fill_cart(client, mug)
    checkout(client, canada, payment_method="account", purchase_order_number="PO-9")
    CreditAccount.objects.filter(pk=account.pk).update(is_active=False)

    response = place(client)

    assert response.redirect_chain[-1][0] == reverse("orders:cart_detail")
    assert "Your business account cannot take orders at the moment" in response.content.decode()
    assert Order.objects.count() == 0 and reserved(mug) == 0


# Invoices


def test_an_order_on_account_is_invoiced_for_its_total_due_after_the_account_terms(canada, kettle, buyer, account,
                                                                                   order_for):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-77")

    invoice = order.invoice
    placed_on = timezone.localdate(order.created_at)
    assert invoice.number == f"INV-{order.number}"
    assert (invoice.amount, invoice.balance) == (Decimal("98.18"), Decimal("98.18"))
    assert (invoice.issued_on, invoice.due_on) == (placed_on, placed_on + timedelta(days=30))
    assert invoice.account == account and invoice.status == Invoice.Status.OPEN


def test_an_account_with_net_45_terms_gets_invoices_due_in_45_days(canada, mug, buyer, account, order_for):
    account.terms_days = 45
    account.save()

    order = order_for("account", (mug, 1), user=buyer, po="PO-45")

    assert order.invoice.due_on == timezone.localdate(order.created_at) + timedelta(days=45)


def test_a_cheque_order_is_due_fourteen_days_after_it_is_placed(canada, mug, order_for):
    order = order_for("cheque", (mug, 1))

    invoice = order.invoice
    assert invoice.due_on == timezone.localdate(order.created_at) + timedelta(days=14)
    assert (invoice.amount, invoice.account) == (Decimal("34.13"), None)


def test_a_cheque_order_by_a_business_customer_is_not_charged_to_the_account(canada, mug, buyer, account, order_for):
    order = order_for("cheque", (mug, 1), user=buyer)

    assert order.invoice.account is None
    assert order.invoice.due_on == timezone.localdate(order.created_at) + timedelta(days=14)


def test_a_card_order_is_due_the_day_it_is_placed(canada, mug, order_for, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_comptoir"

    order = order_for("card", (mug, 1))

    assert order.invoice.due_on == timezone.localdate(order.created_at)
    assert order.invoice.amount == Decimal("34.13")


# Payments recorded by staff


def test_a_partial_cheque_leaves_the_rest_owed_and_the_order_on_account_unchanged(canada, kettle, buyer, account,
                                                                                 clerk, order_for):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-5")

    payment = payment_record(order=order, amount=Decimal("40.00"), method="cheque", reference="No. 12", user=clerk)

    invoice = Invoice.objects.get(order=order)
    order.refresh_from_db()
    assert (payment.amount, payment.status, payment.created_by) == (Decimal("40.00"), Payment.Status.SUCCEEDED, clerk)
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (Decimal("40.00"), Decimal("58.18"),
                                                                      Invoice.Status.OPEN)
    assert order.status == Order.Status.RECEIVED
    assert order.events.last().note == "Payment of $40.00 received (Cheque No. 12); $58.18 left to pay."


def test_paying_the_rest_of_an_invoice_on_account_marks_it_paid_and_leaves_the_order_status_alone(
    canada, kettle, buyer, account, clerk, order_for
):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-5")
    payment_record(order=order, amount=Decimal("40.00"), method="cheque", user=clerk)

    payment_record(order=order, amount=Decimal("58.18"), method="transfer", reference="TR-88", user=clerk)

    invoice = Invoice.objects.get(order=order)
    order.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (Decimal("98.18"), Decimal("0.00"),
                                                                      Invoice.Status.PAID)
    assert order.status == Order.Status.RECEIVED
    assert order.events.last().note == "Payment of $58.18 received (Bank transfer TR-88); $0.00 left to pay."


def test_a_cheque_order_paid_in_full_moves_from_received_to_paid(canada, mug, clerk, order_for):
    order = order_for("cheque", (mug, 1))

    payment_record(order=order, amount=Decimal("34.13"), method="cheque", reference="No. 7", user=clerk)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.invoice.status == Invoice.Status.PAID
    assert order.events.last().note == "Payment of $34.13 received (Cheque No. 7); $0.00 left to pay."


def test_a_cheque_order_paid_in_part_stays_received(canada, mug, clerk, order_for):
    order = order_for("cheque", (mug, 1))

    payment_record(order=order, amount=Decimal("34.12"), method="cheque", user=clerk)

    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED
    assert Invoice.objects.get(order=order).balance == Decimal("0.01")


def test_a_payment_one_cent_over_the_balance_is_refused_and_nothing_is_recorded(canada, kettle, buyer, account,
                                                                                clerk, order_for):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-5")
    payment_record(order=order, amount=Decimal("40.00"), method="cheque", user=clerk)

    with pytest.raises(PaymentError) as refused:
        payment_record(order=order, amount=Decimal("58.19"), method="cheque", user=clerk)

    assert str(refused.value) == f"This is more than the $58.18 still owed on invoice INV-{order.number}."
    assert Payment.objects.filter(order=order).count() == 1
    assert Invoice.objects.get(order=order).balance == Decimal("58.18")


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-5.00"), Decimal("10.005"), Decimal("NaN")])
def test_an_amount_that_is_not_positive_dollars_and_cents_is_refused(canada, mug, clerk, order_for, amount):
    order = order_for("cheque", (mug, 1))

    with pytest.raises(PaymentError, match="Enter an amount in dollars and cents, more than zero."):
        payment_record(order=order, amount=amount, method="cheque", user=clerk)

    assert Payment.objects.count() == 0
    assert Invoice.objects.get(order=order).balance == Decimal("34.13")


def test_a_card_payment_cannot_be_recorded_by_hand(canada, mug, clerk, order_for):
    order = order_for("cheque", (mug, 1))

    with pytest.raises(PaymentError, match="Card payments are recorded by the card processor"):
        payment_record(order=order, amount=Decimal("34.13"), method="card", user=clerk)

    assert Payment.objects.count() == 0


def test_a_payment_received_in_the_future_is_refused(canada, mug, clerk, order_for):
    order = order_for("cheque", (mug, 1))

    with pytest.raises(PaymentError, match="cannot be received in the future"):
        payment_record(order=order, amount=Decimal("34.13"), method="cheque",
                       received_on=timezone.localdate() + timedelta(days=1), user=clerk)

    assert Payment.objects.count() == 0


def test_nothing_can_be_recorded_on_the_invoice_of_a_cancelled_order(canada, mug, clerk, order_for):
    from orders.services.status import order_transition

    order = order_for("cheque", (mug, 1))
    order_transition(order=order, to=Order.Status.CANCELLED, user=clerk)

    with pytest.raises(PaymentError, match="invoice is void"):
        payment_record(order=order, amount=Decimal("34.13"), method="cheque", user=clerk)

    assert Invoice.objects.get(order=order).status == Invoice.Status.VOID
    assert Payment.objects.count() == 0


# Recording a payment in the admin


def test_staff_record_a_partial_payment_in_the_admin_and_see_the_balance(admin_client, canada, kettle, buyer,
                                                                         account, order_for):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-5")
    url = reverse("admin:payments_invoice_record_payment", args=[order.invoice.pk])

    form = admin_client.get(url)
    response = admin_client.post(url, {"amount": "40.00", "method": "cheque", "reference": "No. 12",
                                       "received_on": timezone.localdate().isoformat()})

    assert form.status_code == 200 and 'value="98.18"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payments_invoice_change", args=[order.invoice.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert f"Payment recorded. Balance on INV-{order.number}: $58.18." in page
    payment = Payment.objects.get(order=order)
    assert (payment.amount, payment.method, payment.reference) == (Decimal("40.00"), "cheque", "No. 12")
    assert Invoice.objects.get(order=order).balance == Decimal("58.18")


@pytest.mark.parametrize("amount, message", [
    ("98.19", "This is more than the $98.18 still owed on invoice INV-"),
    ("0", "Ensure this value is greater than or equal to 0.01."),
    ("-1.00", "Ensure this value is greater than or equal to 0.01."),
    ("40.005", "Ensure that there are no more than 2 decimal places."),
    ("forty", "Enter a number."),
])
def test_a_wrong_amount_in_the_admin_form_is_shown_back_and_nothing_is_recorded(admin_client, canada, kettle, buyer,
                                                                                account, order_for, amount, message):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-5")
    url = reverse("admin:payments_invoice_record_payment", args=[order.invoice.pk])

    response = admin_client.post(url, {"amount": amount, "method": "cheque", "reference": "",
                                       "received_on": timezone.localdate().isoformat()})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Payment.objects.count() == 0
    assert Invoice.objects.get(order=order).balance == Decimal("98.18")


def test_staff_can_record_the_last_cent_of_an_invoice_in_the_admin(admin_client, canada, mug, clerk, order_for):
    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=Decimal("34.12"), method="cheque", user=clerk)
    url = reverse("admin:payments_invoice_record_payment", args=[order.invoice.pk])

    response = admin_client.post(url, {"amount": "0.01", "method": "cash", "reference": "",
                                       "received_on": timezone.localdate().isoformat()}, follow=True)

    assert f"Payment recorded. Balance on INV-{order.number}: $0.00." in response.content.decode()
    order.refresh_from_db()
    assert order.invoice.status == Invoice.Status.PAID and order.status == Order.Status.PAID


def test_a_payment_dated_tomorrow_in_the_admin_is_refused_on_the_date(admin_client, canada, mug, order_for):
    order = order_for("cheque", (mug, 1))
    url = reverse("admin:payments_invoice_record_payment", args=[order.invoice.pk])
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = admin_client.post(url, {"amount": "34.13", "method": "cheque", "reference": "",
                                       "received_on": tomorrow.isoformat()})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {"received_on": ["A payment cannot be received in the future."]}
    assert Payment.objects.count() == 0


def test_a_one_cent_refund_can_be_made_in_the_admin(admin_client, canada, mug, clerk, order_for):
    order = order_for("cheque", (mug, 1))
    payment = payment_record(order=order, amount=Decimal("34.13"), method="cheque", user=clerk)

    response = admin_client.post(reverse("admin:payments_payment_refund", args=[payment.pk]),
                                 {"amount": "0.01", "reason": "Rounding"})

    assert response.status_code == 302
    assert Refund.objects.get().amount == Decimal("0.01")


def test_a_paid_invoice_offers_no_record_a_payment_link(admin_client, canada, mug, order_for, clerk):
    order = order_for("cheque", (mug, 1))
    open_page = admin_client.get(reverse("admin:payments_invoice_change", args=[order.invoice.pk])).content.decode()
    payment_record(order=order, amount=Decimal("34.13"), method="cheque", user=clerk)

    paid_page = admin_client.get(reverse("admin:payments_invoice_change", args=[order.invoice.pk])).content.decode()

    assert "Record a payment" in open_page and "Record a payment" not in paid_page


# The customer's statement


def test_the_statement_lists_invoices_payments_and_refunds_with_a_running_balance(
    client, canada, mug, kettle, buyer, account, clerk, order_for
):
    on_account = order_for("account", (kettle, 1), user=buyer, po="PO-1")
    by_cheque = order_for("cheque", (mug, 1), user=buyer)
    cheque = payment_record(order=by_cheque, amount=Decimal("34.13"), method="cheque", reference="No. 311",
                            user=clerk)
    refund_create(payment=cheque, amount=Decimal("10.00"), reason="Chipped mug", user=clerk)
    client.force_login(buyer)

    response = client.get(reverse("payments:statement"))

    html = response.content.decode()
    today = long_date(timezone.localdate())
    assert table_rows(html) == [
        [today, on_account.number, f"Invoice INV-{on_account.number}, due {long_date(on_account.invoice.due_on)}",
         "$98.18", "", "$98.18"],
        [today, by_cheque.number, f"Invoice INV-{by_cheque.number}, due {long_date(by_cheque.invoice.due_on)}",
         "$34.13", "", "$132.31"],
        [today, by_cheque.number, "Payment received, Cheque No. 311", "", "$34.13", "$98.18"],
        [today, by_cheque.number, "Credit: Chipped mug", "", "$10.00", "$88.18"],
        [today, by_cheque.number, "Refund sent to you, Cheque", "$10.00", "", "$98.18"],
    ]
    assert "Balance: <strong>$98.18</strong>" in html
    assert "Acme Cafés" in html and "net 30 days" in html
    assert re.search(r"Credit limit</dt><dd[^>]*>\$150\.00<", html)
    assert re.search(r"Credit available</dt><dd[^>]*>\$51\.82<", html)  # 150.00 - 98.18


def test_a_cancelled_order_paid_in_part_is_owed_back_then_refunded_and_the_statement_adds_up(
    client, canada, kettle, buyer, account, clerk, order_for
):
    from orders.services.status import order_transition

    order = order_for("account", (kettle, 1), user=buyer, po="PO-7")
    cheque = payment_record(order=order, amount=Decimal("40.00"), method="cheque", reference="No. 12", user=clerk)
    order_transition(order=order, to=Order.Status.CANCELLED, user=clerk)
    client.force_login(buyer)

    owed_back = client.get(reverse("payments:statement")).content.decode()
    refund_create(payment=cheque, amount=Decimal("40.00"), reason="Order cancelled", user=clerk)
    settled = client.get(reverse("payments:statement")).content.decode()

    assert "Balance: <strong>-$40.00</strong>" in owed_back
    today = long_date(timezone.localdate())
    assert table_rows(settled) == [
        [today, order.number, f"Invoice INV-{order.number}, due {long_date(order.invoice.due_on)}", "$98.18", "",
         "$98.18"],
        [today, order.number, "Payment received, Cheque No. 12", "", "$40.00", "$58.18"],
        [today, order.number, "Order cancelled: nothing more is owed", "", "$98.18", "-$40.00"],
        [today, order.number, "Refund sent to you, Cheque", "$40.00", "", "$0.00"],
    ]
    assert "Balance: <strong>$0.00</strong>" in settled
    assert re.search(r"Credit available</dt><dd[^>]*>\$150\.00<", settled)


def test_the_statement_shows_what_is_overdue(client, canada, kettle, buyer, account, order_for):
    order = order_for("account", (kettle, 1), user=buyer, po="PO-1")
    Invoice.objects.filter(order=order).update(due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(buyer)

    html = client.get(reverse("payments:statement")).content.decode()

    assert "$98.18 overdue" in html


def test_a_refund_made_in_the_evening_is_dated_that_day_on_the_statement(client, canada, mug, buyer, clerk,
                                                                          order_for, settings):
    # given: Calgary time, where 21:30 is already the next day in UTC
    settings.TIME_ZONE = "America/Edmonton"
    order = order_for("cheque", (mug, 1), user=buyer)
    payment = payment_record(order=order, amount=Decimal("34.13"), method="cheque", user=clerk)
    refund = refund_create(payment=payment, amount=Decimal("34.13"), reason="Returned", user=clerk)
    evening = timezone.make_aware(datetime.combine(timezone.localdate(), time(21, 30)))
    Refund.objects.filter(pk=refund.pk).update(refunded_at=evening)
    CreditNote.objects.filter(refund=refund).update(created_at=evening)
    client.force_login(buyer)

    statement = client.get(reverse("payments:statement")).context["statement"]

    assert [line.on for line in statement.lines[-2:]] == [timezone.localdate()] * 2


def test_a_customer_without_a_business_account_sees_their_cheque_orders_but_no_credit(client, canada, mug,
                                                                                       django_user_model, order_for):
    walkin = django_user_model.objects.create_user("walkin", "walkin@example.com", "pw")
    order = order_for("cheque", (mug, 1), user=walkin)
    client.force_login(walkin)

    html = client.get(reverse("payments:statement")).content.decode()

    assert [row[1] for row in table_rows(html)] == [order.number]
    assert "Credit limit" not in html and "Credit available" not in html
    assert "Balance: <strong>$34.13</strong>" in html


def test_a_payment_without_a_reference_reads_cleanly_on_the_statement(client, canada, mug, django_user_model, clerk,
                                                                      order_for):
    walkin = django_user_model.objects.create_user("walkin", "walkin@example.com", "pw")
    order = order_for("cheque", (mug, 1), user=walkin)
    payment_record(order=order, amount=Decimal("20.00"), method="transfer", user=clerk)
    client.force_login(walkin)

    statement = client.get(reverse("payments:statement")).context["statement"]

    assert [(line.description, line.credit, line.balance) for line in statement.lines[1:]] == [
        ("Payment received, Bank transfer", Decimal("20.00"), Decimal("14.13"))]


def test_each_customer_sees_only_their_own_statement(client, canada, mug, kettle, buyer, account, django_user_model,
                                                     order_for):
    theirs = order_for("account", (kettle, 1), user=buyer, po="PO-1")
    other = django_user_model.objects.create_user("bistro", "bistro@example.com", "pw")
    mine = order_for("cheque", (mug, 1), user=other)
    order_for("cheque", (mug, 1))  # a guest's order

    client.force_login(other)
    html = client.get(reverse("payments:statement")).content.decode()

    assert [row[1] for row in table_rows(html)] == [mine.number]
    assert theirs.number not in html and "Acme" not in html and "$98.18" not in html


def test_the_statement_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("payments:statement"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/statement/"


def test_signing_in_leads_to_the_statement(client, buyer, account):
    EmailAddress.objects.create(user=buyer, email=buyer.email, verified=True, primary=True)

    response = client.post(reverse("account_login"), {"login": "buyer@acme.example", "password": "s3cret-pass"},
                           follow=True)

    assert response.redirect_chain[-1][0] == reverse("payments:statement")
    assert "Acme Cafés" in response.content.decode()


# The staff's invoice list


def test_the_overdue_filter_lists_only_open_invoices_past_their_due_date(admin_client, canada, mug, kettle, buyer,
                                                                         account, clerk, order_for):
    today = timezone.localdate()
    late = order_for("account", (kettle, 1), user=buyer, po="PO-1")
    not_yet = order_for("cheque", (mug, 1))
    paid_late = order_for("cheque", (mug, 1))
    due_today = order_for("cheque", (mug, 1))
    Invoice.objects.filter(order__in=[late, paid_late]).update(due_on=today - timedelta(days=3))
    Invoice.objects.filter(order=due_today).update(due_on=today)
    payment_record(order=paid_late, amount=Decimal("34.13"), method="cheque", user=clerk)

    response = admin_client.get(reverse("admin:payments_invoice_changelist") + "?state=overdue")

    assert response.status_code == 200
    assert [invoice.number for invoice in response.context["cl"].result_list] == [late.invoice.number]
    html = response.content.decode()
    assert "$98.18 (overdue)" in html and "Acme Cafés" in html
    assert not_yet.invoice.number not in html and paid_late.invoice.number not in html
    assert due_today.invoice.number not in html


def test_the_invoice_list_runs_the_same_queries_for_three_invoices_or_twelve(
    admin_client, canada, mug, warehouse, buyer, account, order_for, django_assert_max_num_queries
):
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=20)
    account.credit_limit = Decimal("1000.00")
    account.save()
    url = reverse("admin:payments_invoice_changelist")

    def place(count):
        for n in range(count):
            order_for("account" if n % 2 else "cheque", (mug, 1), user=buyer, po=f"PO-{n}")

    place(3)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    place(9)
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 12
    with django_assert_max_num_queries(len(few)):
        admin_client.get(url + "?state=overdue")


def test_the_business_account_list_runs_the_same_queries_for_one_account_or_five(
    admin_client, canada, mug, warehouse, buyer, account, django_user_model, order_for, django_assert_max_num_queries
):
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=20)
    order_for("account", (mug, 1), user=buyer, po="PO-1")
    url = reverse("admin:payments_creditaccount_changelist")
    with CaptureQueriesContext(connection) as few:
        html = admin_client.get(url).content.decode()
    for n in range(4):
        user = django_user_model.objects.create_user(f"shop{n}", f"shop{n}@example.com", "pw")
        CreditAccount.objects.create(user=user, company_name=f"Shop {n}", credit_limit=Decimal("500.00"))
        order_for("account", (mug, 1), user=user, po=f"PO-{n}")

    with django_assert_max_num_queries(len(few)):
        admin_client.get(url)

    assert "$34.13" in html and "$115.87" in html  # owed, and 150.00 - 34.13 available
    assert admin_client.get(reverse("admin:payments_creditaccount_change", args=[account.pk])).status_code == 200
