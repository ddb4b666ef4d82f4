"""A code limited to one use, raced by 20 checkouts at the same instant on Postgres: exactly one order gets it. The
others are refused (the total they reviewed included the discount) with a message naming the code, and nothing of
theirs is created: no order, no use, their carts untouched."""

import threading
from decimal import Decimal
from functools import partial

import pytest
from django.db import connections

from checkout.services.placing import TotalChanged, order_place
from coupons.models import Coupon, CouponRedemption
from orders.models import Order
from outbox.models import OutboxEmail

from .test_pricing import cart_of, details

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
SHOPPERS = 20


def race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            outcomes[i] = ("ok", work())
        except TotalChanged as error:
            outcomes[i] = ("refused", str(error))
        except Exception as error:  # a deadlock or a constraint violation fails the test below
            outcomes[i] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock wait?)"
    return outcomes


def test_twenty_checkouts_racing_for_a_code_limited_to_one_use_give_it_to_exactly_one(canada, warehouse, mug, kettle):
    from inventory import services as stock_services

    stock_services.stock_receive(variant=mug, location=warehouse, quantity=2 * SHOPPERS)
    stock_services.stock_receive(variant=kettle, location=warehouse, quantity=SHOPPERS)
    Coupon.objects.create(code="ONLYONE", description="Ten off", kind="percent", value=Decimal("10"), max_uses=1,
                          max_uses_per_customer=None)
    carts = [cart_of(mug, kettle, "ONLYONE") for _ in range(SHOPPERS)]

    # every shopper reviewed $123.90 (10 % off, Alberta) and places the order at the same instant
    outcomes = race([
        partial(order_place, cart=cart, details=details(canada, "AB", f"shopper{n}@example.com"), language="en",
                expected_total=Decimal("123.90"))
        for n, cart in enumerate(carts)
    ])

    assert [o for o in outcomes if o[0] == "error"] == []
    won = [result for kind, result in outcomes if kind == "ok"]
    refused = [message for kind, message in outcomes if kind == "refused"]
    assert len(won) == 1 and len(refused) == SHOPPERS - 1
    assert set(refused) == {"The code ONLYONE has been used as many times as it can be. Please check the new total."}
    [order] = Order.objects.all()
    assert (order.pk, order.discount, order.total, order.coupon_codes) == (won[0].pk, Decimal("11.50"),
                                                                           Decimal("123.90"), "ONLYONE")
    assert list(CouponRedemption.objects.values_list("order_id", "amount")) == [(order.pk, Decimal("11.50"))]
    assert OutboxEmail.objects.count() == 1
    # the refused carts still hold their items and their code: the shopper sees the new total at the review
    for cart in carts:
        cart.refresh_from_db()
    assert sum(1 for cart in carts if cart.lines.exists() and cart.coupon_codes == ["ONLYONE"]) == SHOPPERS - 1
