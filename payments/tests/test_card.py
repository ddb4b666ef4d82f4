"""Card checkout through the views, Stripe unreachable, late payments after expiry, card refunds."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import Stock, StockMovement
from inventory.services import stock_sell_in_store
from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Invoice, Payment, Refund
from payments.services import PaymentError
from payments.services.card import card_payment_start
from payments.services.expiry import order_payment_expire
from payments.services.refunds import refund_create
from payments.tests.helpers import pay_and_confirm, webhook_post

pytestmark = pytest.mark.django_db

ALBERTA = {"email": "ana@example.com", "phone": "403-555-0101", "ship_name": "Ana Tremblay",
           "ship_address": "100 8 Ave SW", "ship_city": "Calgary", "ship_province": "AB",
           "ship_postal_code": "T2P 1J9"}


def shop_checkout(client, canada, variant, method="card"):
    client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk, "payment_method": method})
    review = client.get(reverse("orders:checkout_review")).content.decode()
    total = review.split('name="seen_total" value="')[1].split('"')[0]
    return client.post(reverse("orders:checkout_place"), {"seen_total": total})


def test_placing_a_card_order_sends_the_shopper_to_the_stripe_page_for_the_exact_total(client, canada, mug,
                                                                                       stripe_fake):
    response = shop_checkout(client, canada, mug)

    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert response.status_code == 302 and response["Location"] == payment.checkout_url
    assert payment.checkout_url.startswith(stripe_fake.api_base + "/pay/")
    session = stripe_fake.sessions[payment.provider_id]
    assert (session["amount_total"], session["currency"]) == (3413, "cad")
    assert session["metadata"] == {"order": order.number, "payment": str(payment.pk)}
    assert session["success_url"].startswith(f"http://testserver/orders/{order.number}/?t=")
    assert (order.status, payment.status) == (Order.Status.RECEIVED, Payment.Status.PENDING)
    assert Stock.objects.get(variant=mug).reserved == 1


def test_card_is_not_offered_when_stripe_is_not_configured(client, canada, mug, settings):
    settings.STRIPE_SECRET_KEY = ""
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})

    page = client.get(reverse("orders:checkout")).content.decode()
    response = client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk,
                                                        "payment_method": "card"})

    assert 'value="card"' not in page and 'value="cheque"' in page
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_when_stripe_is_down_the_order_is_kept_and_the_shopper_can_pay_later(client, canada, mug, stripe_fake):
    stripe_fake.unavailable = True

    response = shop_checkout(client, canada, mug)

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "We could not reach the card processor. Your order is saved" in page and "Pay now" in page
    assert Payment.objects.get().status == Payment.Status.FAILED
    assert Stock.objects.get(variant=mug).reserved == 1

    stripe_fake.unavailable = False
    retry = client.post(reverse("payments:order_pay", kwargs={"number": order.number}), {"t": order.access_token})

    assert retry["Location"] == Payment.objects.get(status=Payment.Status.PENDING).checkout_url


def test_pay_now_twice_reuses_the_open_session(card_order):
    order, payment = card_order

    again = card_payment_start(order=order, success_url="http://shop.test/a", cancel_url="http://shop.test/b")

    assert again.pk == payment.pk and Payment.objects.count() == 1


def test_a_paid_order_cannot_be_paid_again(client, stripe_fake, card_order):
    order, payment = card_order
    pay_and_confirm(client, stripe_fake, payment)

    with pytest.raises(PaymentError):
        card_payment_start(order=order, success_url="http://shop.test/a", cancel_url="http://shop.test/b")


def test_someone_without_the_link_cannot_start_a_payment(client, card_order):
    order, _payment = card_order

    response = client.post(reverse("payments:order_pay", kwargs={"number": order.number}), {"t": "guess"})

    assert response.status_code == 404


def test_an_unpaid_card_order_expires_gives_its_stock_back_and_tells_the_customer(
        stripe_fake, card_order, mug, django_capture_on_commit_callbacks):
    order, payment = card_order

    with django_capture_on_commit_callbacks(execute=True):
        assert order_payment_expire(order=order) is True

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert Stock.objects.get(variant=mug).reserved == 0
    release = StockMovement.objects.get(reference=order.number, kind="online_release")
    assert (release.reserved_delta, release.reason) == (-1, "payment not received in time")
    assert stripe_fake.sessions[payment.provider_id]["status"] == "expired"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED
    assert Invoice.objects.get(order=order).status == Invoice.Status.VOID
    email = OutboxEmail.objects.get(reference=order.number, subject__contains="was not paid")
    assert "back on sale" in email.text_body and "Stoneware Mug" in email.text_body


def test_an_order_paid_at_stripe_before_it_could_expire_is_left_for_its_webhook(stripe_fake, card_order, mug):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)  # the webhook is not delivered yet

    assert order_payment_expire(order=order) is False

    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
    assert Stock.objects.get(variant=mug).reserved == 1


def test_a_late_payment_holds_the_stock_again_when_it_is_still_there(client, stripe_fake, card_order, mug):
    order, payment = card_order
    stripe_fake.unavailable = True  # the session could not be closed: the customer still pays on it
    order_payment_expire(order=order)
    stripe_fake.unavailable = False
    stripe_fake.session_pay(payment.provider_id)

    for event in stripe_fake.events:
        webhook_post(client, stripe_fake, event)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.attention == ""
    assert Stock.objects.get(variant=mug).reserved == 1
    assert Invoice.objects.get(order=order).status == Invoice.Status.PAID
    assert not Refund.objects.exists()


def test_a_late_payment_for_stock_sold_meanwhile_cancels_flags_and_refunds(
        client, stripe_fake, card_order, mug, store, warehouse, django_capture_on_commit_callbacks):
    order, payment = card_order
    stripe_fake.unavailable = True
    order_payment_expire(order=order)
    stripe_fake.unavailable = False
    stock_sell_in_store(variant=mug, location=warehouse, quantity=5)  # every mug sold at the counter
    stripe_fake.session_pay(payment.provider_id)

    with django_capture_on_commit_callbacks(execute=True):
        for event in stripe_fake.events:
            webhook_post(client, stripe_fake, event)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert "no longer in stock" in order.attention
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, Decimal("34.13"))
    [stripe_refund] = stripe_fake.refunds.values()
    assert (stripe_refund["amount"], stripe_refund["payment_intent"]) == (3413, payment.__class__.objects.get(
        pk=payment.pk).payment_intent)
    assert OutboxEmail.objects.filter(reference=order.number, subject__contains="refund of $34.13").exists()


def test_a_partial_card_refund_goes_through_stripe_and_shows_on_the_order(
        client, stripe_fake, card_order, django_capture_on_commit_callbacks):
    order, payment = card_order
    pay_and_confirm(client, stripe_fake, payment)

    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(payment=payment, amount=Decimal("10.00"), reason="Chipped handle")
    refund.refresh_from_db()

    assert refund.status == Refund.Status.SUCCEEDED and refund.provider_id.startswith("re_")
    assert [r["amount"] for r in stripe_fake.refunds.values()] == [1000]
    invoice = Invoice.objects.get(order=order)
    assert (invoice.amount_paid, invoice.amount_refunded, invoice.balance) == (
        Decimal("34.13"), Decimal("10.00"), Decimal("0.00"))
    assert payment.refundable() == Decimal("24.13")
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Chipped handle" in page and "$10.00" in page
    assert order.events.filter(note__contains="Refund of $10.00").exists()

    with pytest.raises(PaymentError, match=r"At most \$24.13"):
        refund_create(payment=payment, amount=Decimal("24.14"), reason="Too much")
    for bad in ("0", "-1", "0.001", "NaN"):
        with pytest.raises(PaymentError):
            refund_create(payment=payment, amount=Decimal(bad), reason="Bad")
    assert Refund.objects.count() == 1


def test_a_card_refund_stripe_cannot_take_now_stays_pending_and_the_sweep_sends_it(
        client, stripe_fake, card_order, django_capture_on_commit_callbacks):
    from payments.tasks import refunds_send_pending

    order, payment = card_order
    pay_and_confirm(client, stripe_fake, payment)
    stripe_fake.unavailable = True

    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(payment=payment, amount=Decimal("34.13"), reason="Cancelled")
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.PENDING, 1)
    assert Invoice.objects.get(order=order).amount_refunded == Decimal("0.00")

    stripe_fake.unavailable = False
    assert refunds_send_pending.delay().get() == 1
    assert refunds_send_pending.delay().get() == 0

    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert len(stripe_fake.refunds) == 1
    assert Invoice.objects.get(order=order).amount_refunded == Decimal("34.13")


def test_cancelling_an_unpaid_card_order_closes_its_payment_page(client, stripe_fake, card_order, mug):
    order, payment = card_order

    client.post(reverse("orders:order_cancel", kwargs={"number": order.number}), {"t": order.access_token})

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert stripe_fake.sessions[payment.provider_id]["status"] == "expired"
    assert Stock.objects.get(variant=mug).reserved == 0
    assert Invoice.objects.get(order=order).status == Invoice.Status.VOID


def test_an_order_paid_at_stripe_a_moment_ago_cannot_be_cancelled_online(client, stripe_fake, card_order, mug):
    order, payment = card_order
    stripe_fake.session_pay(payment.provider_id)  # its webhook is still on the way

    response = client.post(reverse("orders:order_cancel", kwargs={"number": order.number}),
                           {"t": order.access_token}, follow=True)

    assert "Your card payment has just gone through" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
    assert Stock.objects.get(variant=mug).reserved == 1


def test_staff_cancelling_a_paid_order_are_told_to_refund_it(client, stripe_fake, card_order, admin_user,
                                                            django_capture_on_commit_callbacks):
    from orders.services.status import order_transition

    order, payment = card_order
    pay_and_confirm(client, stripe_fake, payment)

    order_transition(order=order, to=Order.Status.CANCELLED, user=admin_user)

    order.refresh_from_db()
    assert order.attention == "Cancelled with $34.13 received and not refunded: refund the customer."
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.balance) == (Invoice.Status.VOID, Decimal("-34.13"))  # the shop owes it back

    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        refund_create(payment=payment, amount=Decimal("34.13"), reason="Order cancelled", user=admin_user)
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("0.00") and not invoice.credit_notes.exists()


@pytest.mark.parametrize("method, allowed", [("card", False), ("cheque", False), ("account", True)])
def test_only_orders_on_account_are_prepared_before_they_are_paid(order_for, mug, stripe_fake, django_user_model,
                                                                   method, allowed):
    from orders.services.status import TransitionNotAllowed, order_transition
    from payments.models import CreditAccount

    user = django_user_model.objects.create_user("buyer", "buyer@example.com", "pw")
    CreditAccount.objects.create(user=user, company_name="Buyer Inc.", credit_limit=Decimal("1000.00"))
    order = order_for(method, (mug, 1), user=user, po="PO-1")

    if allowed:
        assert order_transition(order=order, to=Order.Status.PREPARING).status == Order.Status.PREPARING
    else:
        with pytest.raises(TransitionNotAllowed, match="not paid yet"):
            order_transition(order=order, to=Order.Status.PREPARING)


def test_the_beat_task_expires_only_card_orders_unpaid_past_their_time(
        client, stripe_fake, order_for, mug, kettle, settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from payments.tasks import payments_expire_unpaid

    settings.SHOP_PAYMENT_EXPIRY_MINUTES = 60
    stale = order_for("card", (mug, 2))
    paid = order_for("card", (kettle, 1))
    fresh = order_for("card", (mug, 1))
    by_cheque = order_for("cheque", (mug, 1))
    for order in (paid, fresh):
        payment = card_payment_start(order=order, success_url="http://shop.test/a", cancel_url="http://shop.test/b")
    stripe_fake.session_pay(Payment.objects.get(order=paid).provider_id)
    for event in stripe_fake.events:
        webhook_post(client, stripe_fake, event)
    an_hour_ago = timezone.now() - timedelta(minutes=61)
    Order.objects.filter(pk__in=[stale.pk, paid.pk, by_cheque.pk]).update(created_at=an_hour_ago)
    assert payment.order_id == fresh.pk

    with django_capture_on_commit_callbacks(execute=True):
        expired = payments_expire_unpaid.delay().get()

    assert expired == [stale.number]
    statuses = dict(Order.objects.values_list("number", "status"))
    assert statuses == {stale.number: "expired", paid.number: "paid", fresh.number: "received",
                        by_cheque.number: "received"}
    assert Stock.objects.get(variant=mug).reserved == 2  # fresh 1 + cheque 1; the stale order's 2 went back
    assert StockMovement.objects.filter(reference=stale.number, kind="online_release").get().reserved_delta == -2
    [email] = OutboxEmail.objects.filter(subject__contains="was not paid")
    assert email.reference == stale.number and email.to == stale.email
    assert payments_expire_unpaid.delay().get() == []  # a second run changes nothing
