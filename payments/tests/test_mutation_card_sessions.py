"""Card payment pages (Stripe Checkout sessions): rules that only mutation testing (make mutation) showed untested."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from payments.models import Payment
from payments.services.card import card_payment_start
from payments.services.expiry import order_payment_expire

pytestmark = pytest.mark.django_db

URLS = {"success_url": "http://shop.test/done", "cancel_url": "http://shop.test/cancelled"}


def test_the_payment_page_closes_when_the_orders_reservation_ends(stripe_fake, card_order, settings):
    order, payment = card_order  # SHOP_PAYMENT_EXPIRY_MINUTES is 60

    expires_at = stripe_fake.sessions[payment.provider_id]["expires_at"]

    assert expires_at == int((order.created_at + timedelta(minutes=60)).timestamp())


def test_a_reservation_shorter_than_stripe_allows_gets_a_page_open_31_minutes(order_for, mug, stripe_fake, settings):
    settings.SHOP_PAYMENT_EXPIRY_MINUTES = 0.5
    order = order_for("card", (mug, 1))

    before = time.time()
    payment = card_payment_start(order=order, **URLS)
    after = time.time()

    expires_at = stripe_fake.sessions[payment.provider_id]["expires_at"]
    assert int(before) + 31 * 60 - 1 <= expires_at <= after + 31 * 60


@pytest.mark.parametrize("minutes_ago, reused", [(19.5, True), (20.5, False)])
def test_pay_now_reuses_a_payment_page_opened_in_the_last_20_minutes_only(card_order, minutes_ago, reused):
    order, payment = card_order
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))

    again = card_payment_start(order=order, **URLS)

    assert (again.pk == payment.pk) is reused
    assert Payment.objects.filter(order=order).count() == (1 if reused else 2)


def test_a_page_stripe_cannot_close_does_not_hide_another_page_already_paid(stripe_fake, card_order, mug):
    order, first = card_order
    # The first page is unknown to Stripe now (closing it fails); the customer opened a second one and paid on it.
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.FAILED, provider_id="cs_test_unknown_to_stripe")
    second = card_payment_start(order=order, **URLS)
    stripe_fake.session_pay(second.provider_id)  # its webhook is not delivered yet

    assert order_payment_expire(order=order) is False

    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED
