"""The whole path on real services: Postgres, Redis as the broker, a `celery worker` process, an SMTP server."""

import time

import pytest
from django.db import transaction

from outbox import services
from outbox.models import OutboxEmail

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for_status(email: OutboxEmail, status: str, *, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return
        time.sleep(0.1)
    pytest.fail(f"Email {email.pk} is still {email.status!r}, not {status!r}, after {seconds} s.")


def test_an_email_queued_in_a_committed_transaction_reaches_the_smtp_server_through_the_worker(
    celery_worker_process, broker_reachable, inbox
):
    with transaction.atomic():
        email = services.email_queue(
            to="ana@example.ca", subject="Order C-1001 received", text_body="Thank you for your order C-1001.",
            html_body="<p>Thank you for your order C-1001.</p>", reference="C-1001",
        )

    wait_for_status(email, "sent")

    assert "Task outbox.tasks.outbox_send[" in celery_worker_process.read_text()  # the worker sent it, not this process

    [(recipients, message)] = inbox.messages
    assert recipients == ["ana@example.ca"]
    assert (message["To"], message["Subject"], message["Content-Language"]) == (
        "ana@example.ca", "Order C-1001 received", "en")
    assert message.get_body(("plain",)).get_content() == "Thank you for your order C-1001.\r\n"
    assert message.get_body(("html",)).get_content() == "<p>Thank you for your order C-1001.</p>\r\n"
    assert (email.attempts, email.last_error) == (1, "")
    assert services.emails_sweep(older_than_seconds=0) == 0
    assert len(inbox.messages) == 1


def test_an_orders_acknowledgement_reaches_the_smtp_server_after_the_order_commits(
    celery_worker_process, broker_reachable, inbox, warehouse
):
    from decimal import Decimal

    from catalog.tests.factories import VariantFactory
    from checkout.models import Cart, CartLine
    from checkout.services.placing import CheckoutDetails, order_place
    from inventory import services as stock_services
    from orders.models import DeliveryMethod, Order, TaxRate
    from orders.rates import rates_and_delivery_seed

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    mug = VariantFactory(sku="MUG-W", price=Decimal("18.00"), product__name="Stoneware Mug")
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=3)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, variant=mug, quantity=2)
    details = CheckoutDetails(
        email="ana@example.ca", phone="", ship_name="Ana Tremblay", ship_address="1 rue Sainte-Catherine",
        ship_city="Montréal", ship_province="QC", ship_postal_code="H2X 1Y4",
        delivery_method_id=DeliveryMethod.objects.get(code="standard").pk, payment_method="cheque",
    )

    order = order_place(cart=cart, details=details, language="en")  # commits; the worker sends after commit

    email = OutboxEmail.objects.get(reference=order.number)
    wait_for_status(email, "sent")
    [(recipients, message)] = inbox.messages
    assert recipients == ["ana@example.ca"]
    assert message["Subject"] == f"comptoir: we received your order {order.number}"
    # 2 × $18.00 + $12.00 + $2.50 = $50.50; GST 5 % = $2.53, QST 9.975 % = $5.04 -> $58.07
    assert order.total == Decimal("58.07")
    assert "Total (CAD): $58.07" in message.get_body(("plain",)).get_content()
    assert Order.objects.get().status == "received"


def test_an_order_placed_while_the_broker_is_down_is_kept_and_the_beat_sweep_sends_its_email_later(
    celery_worker_process, inbox, warehouse, client
):
    from datetime import timedelta
    from decimal import Decimal

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from catalog.tests.factories import VariantFactory
    from inventory import services as stock_services
    from jobs.models import JobRun
    from orders.models import DeliveryMethod, Order, TaxRate
    from orders.rates import rates_and_delivery_seed
    from outbox.tests.conftest import TEST_BROKER_URL, UNREACHABLE_BROKER_URL, celery_publishing
    from shop.celery import app as celery_app

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    mug = VariantFactory(sku="MUG-D", price=Decimal("18.00"), product__name="Stoneware Mug")
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=3)

    with celery_publishing(broker_url=UNREACHABLE_BROKER_URL):  # Redis is down while the customer checks out
        client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})
        client.post(reverse("orders:checkout"), {
            "email": "ana@example.ca", "ship_name": "Ana", "ship_address": "100 8 Ave SW", "ship_city": "Calgary",
            "ship_province": "AB", "ship_postal_code": "T2P 1J9", "payment_method": "cheque",
            "delivery_method": DeliveryMethod.objects.get(code="standard").pk})
        started = time.monotonic()
        placed = client.post(reverse("orders:checkout_place"), {"seen_total": "34.13"})
        elapsed = time.monotonic() - started

    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"] == order.get_absolute_url()
    assert elapsed < 3
    email = OutboxEmail.objects.get(reference=order.number)
    assert email.status == "pending" and inbox.messages == []

    # Redis is back a few minutes later; beat's next sweep runs in the worker and sends the email once.
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    with celery_publishing(broker_url=TEST_BROKER_URL):
        beat = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]  # exactly what Celery beat sends
        celery_app.send_task(beat["task"], args=beat["args"], **beat["options"])
        wait_for_status(email, "sent")

    [(recipients, message)] = inbox.messages
    assert recipients == ["ana@example.ca"] and order.number in message["Subject"]
    assert "Total (CAD): $34.13" in message.get_body(("plain",)).get_content()
    # The worker recorded the run for the admin's Periodic jobs page.
    deadline = time.monotonic() + 10
    while JobRun.objects.filter(status="running").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(JobRun.objects.values_list("job", "trigger", "status", "result")) == [
        ("outbox-sweep", "beat", "ok", "1")]
