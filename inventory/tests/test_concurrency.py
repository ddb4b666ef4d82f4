"""Real threads racing for the last units on Postgres: the reservation rule must never oversell."""

import random
import threading

import pytest
from django.db import connections
from django.db.models import Sum

from catalog.tests.factories import VariantFactory
from inventory import services
from inventory.models import Stock, StockMovement
from inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def race(workers):
    """Start every callable at the same instant in its own thread (own DB connection); return their outcomes."""
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            outcomes[i] = ("ok", work())
        except services.InsufficientStock as error:
            outcomes[i] = ("sold out", error)
        except Exception as error:  # anything else (deadlock, constraint violation) fails the test below
            outcomes[i] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock wait?)"
    return outcomes


def assert_ledger_matches_stock():
    for stock in Stock.objects.all():
        totals = StockMovement.objects.filter(stock=stock).aggregate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
        assert (totals["on_hand"] or 0, totals["reserved"] or 0) == (stock.on_hand, stock.reserved)
        assert 0 <= stock.reserved <= stock.on_hand


def test_twenty_five_shoppers_racing_for_seven_units_give_exactly_seven_reservations():
    variant = VariantFactory(sku="LAST-UNITS")
    first, second = WarehouseFactory(priority=0), WarehouseFactory(priority=1)
    services.stock_receive(variant=variant, location=first, quantity=4)
    services.stock_receive(variant=variant, location=second, quantity=3)

    outcomes = race([lambda: services.stock_reserve(lines=[(variant.pk, 1)]) for _ in range(25)])

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 7
    assert kinds.count("sold out") == 18
    assert Stock.objects.aggregate(r=Sum("reserved"), h=Sum("on_hand")) == {"r": 7, "h": 7}
    assert_ledger_matches_stock()


def test_baskets_of_two_skus_in_any_order_never_deadlock_or_oversell():
    kettle, mug = VariantFactory(sku="KETTLE"), VariantFactory(sku="MUG")
    warehouse = WarehouseFactory()
    services.stock_receive(variant=kettle, location=warehouse, quantity=10)
    services.stock_receive(variant=mug, location=warehouse, quantity=6)
    rng = random.Random(7)

    def basket():
        lines = [(kettle.pk, 1), (mug.pk, 1)]
        rng.shuffle(lines)
        return lambda: services.stock_reserve(lines=lines)

    outcomes = race([basket() for _ in range(24)])

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 6
    assert Stock.objects.get(variant=mug).reserved == 6
    assert Stock.objects.get(variant=kettle).reserved == 6  # all-or-nothing: no kettle held without its mug
    assert_ledger_matches_stock()


def test_counter_sales_and_online_orders_share_the_last_units_of_a_store_that_ships():
    variant = VariantFactory(sku="SHARED")
    store = LocationFactory(ships_online=True)
    services.stock_receive(variant=variant, location=store, quantity=5)

    workers = [lambda: services.stock_reserve(lines=[(variant.pk, 1)]) for _ in range(11)]
    workers += [lambda: services.stock_sell_in_store(variant=variant, location=store, quantity=1) for _ in range(11)]
    outcomes = race(workers)

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 5
    stock = Stock.objects.get(variant=variant)
    sold_in_store = StockMovement.objects.filter(kind=StockMovement.Kind.IN_STORE_SALE).count()
    assert stock.on_hand == 5 - sold_in_store
    assert stock.reserved == stock.on_hand  # every unit left is held for an online order
    assert_ledger_matches_stock()


def test_a_till_retrying_the_same_sale_at_the_same_instant_records_it_once(django_user_model):
    from django.contrib.auth.models import Permission
    from django.test import Client

    variant = VariantFactory(sku="TILL-RETRY")
    store = LocationFactory(code="yyc")
    services.stock_receive(variant=variant, location=store, quantity=10)
    user = django_user_model.objects.create_user("till")
    user.user_permissions.set(Permission.objects.filter(codename="add_stockmovement"))
    _token, key = services.api_token_create(user=user, name="Till")
    body = {"kind": "in_store_sale", "sku": "TILL-RETRY", "location": "yyc", "quantity": 1}
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "receipt-77-line-1"}

    def send():
        response = Client().post("/api/v1/stock/movements/", body, content_type="application/json", headers=headers)
        return response.status_code, response.json()["id"]

    outcomes = race([send for _ in range(12)])

    assert [kind for kind, _ in outcomes].count("ok") == 12, outcomes
    statuses = sorted(status for _, (status, _id) in outcomes)
    assert statuses == [200] * 11 + [201]
    assert len({movement_id for _, (_s, movement_id) in outcomes}) == 1
    assert Stock.objects.get(variant=variant).on_hand == 9
    assert_ledger_matches_stock()
