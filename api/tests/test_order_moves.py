"""Order moves through the API follow the shop's own flows: cancelling a paid order is the admin's "Cancel…"
(money listed as owed or refunded, the customer told), and a pickup's steps stay with the store's staff."""

import pytest

from orders.models import DeliveryMethod, Order
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_cancelling_a_paid_cheque_order_lists_the_money_as_owed_and_tells_the_customer(api, key_in, mug,
                                                                                      paid_order):
    order = paid_order((mug, 1))
    emails_before = OutboxEmail.objects.count()

    response = api("post", f"/api/v1/orders/{order.number}/transition/", key=key_in("Managers"),
                   body={"status": "cancelled", "note": "Customer called"}, idempotency_key="cancel-1")

    order.refresh_from_db()
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert order.status == Order.Status.CANCELLED
    assert order.invoice.balance < 0  # what the customer paid is owed back
    [email] = OutboxEmail.objects.order_by("pk")[emails_before:]
    assert email.to == order.email and order.number in email.subject


def test_a_pickup_is_not_made_ready_through_the_api(api, key_in, mug, paid_order):
    order = paid_order((mug, 1))
    Order.objects.filter(pk=order.pk).update(delivery_method=DeliveryMethod.objects.filter(
        kind=DeliveryMethod.Kind.PICKUP).first() or order.delivery_method)

    response = api("post", f"/api/v1/orders/{order.number}/transition/", key=key_in("Managers"),
                   body={"status": "ready_for_pickup"}, idempotency_key="ready-1")

    assert response.status_code == 409 and "Pickups" in response.json()["error"]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
