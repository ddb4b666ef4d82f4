"""Real threads on Postgres: two tabs asking to return the same units, two staff refunding the same return. The
order's row lock makes each step happen once."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from inventory.tests.test_concurrency import assert_ledger_matches_stock
from payments.models import Refund
from payments.services.received import payment_record
from returns.models import ReturnLine, ReturnRequest
from returns.services import ReturnError, return_approve, return_receive, return_refund, return_request

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def race(workers) -> list[tuple[str, object]]:
    """Every callable at the same instant in its own thread (own connection): ("ok", result), ("refused", message)
    for a ReturnError, ("error", repr) for anything else."""
    barrier = threading.Barrier(len(workers))
    outcomes: list = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            outcomes[i] = ("ok", work())
        except ReturnError as error:
            outcomes[i] = ("refused", str(error))
        except Exception as error:  # noqa: BLE001 — a deadlock or constraint violation fails the test
            outcomes[i] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (lock wait?)"
    return outcomes


def test_six_requests_at_once_for_two_shipped_mugs_return_exactly_two(order_for, mug, ship, clerk):
    order = order_for("cheque", (mug, 2))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    ship(order)
    line = order.lines.get()

    outcomes = race([lambda: return_request(order=order, quantities={line.pk: 1}, reason="Broken")] * 6)

    assert sorted(kind for kind, _result in outcomes) == ["ok", "ok", "refused", "refused", "refused", "refused"]
    assert {result for kind, result in outcomes if kind == "refused"} == {
        "Every unit of Stoneware Mug we shipped is already in a return."}
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 2


def test_four_staff_refunding_the_same_return_at_once_refund_it_once(order_for, mug, kettle, warehouse, ship, clerk):
    order = order_for("cheque", (mug, 1), (kettle, 1))
    payment_record(order=order, amount=order.total, method="cheque", user=clerk)
    ship(order)
    request = return_request(order=order, quantities={line.pk: 1 for line in order.lines.all()}, reason="Dented")
    return_approve(request=request, user=clerk)
    first, second = request.lines.all()
    return_receive(request=request, location=warehouse, user=clerk,
                   outcomes={first.pk: "restock", second.pk: "write_off"})

    outcomes = race([lambda: return_refund(request=request, user=clerk)] * 4)

    assert sorted(kind for kind, _result in outcomes) == ["ok", "refused", "refused", "refused"]
    assert list(Refund.objects.values_list("amount", flat=True)) == [Decimal("101.85")]
    assert ReturnRequest.objects.get().status == ReturnRequest.Status.REFUNDED
    assert_ledger_matches_stock()
