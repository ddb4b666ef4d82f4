"""Who works a return in the admin: the warehouse approves and receives the goods, but the refund moves money and
needs payments.add_refund (Accounts, Managers). The customer's page is theirs: staff need returns.add_returnrequest."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from payments.services.received import payment_record
from returns.services import return_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(order_for, mug, ship, clerk):
    """A return asked for the one mug of a paid, shipped and delivered cheque order."""
    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=Decimal("34.13"), method="cheque", user=clerk)
    ship(order)
    return return_request(order=order, quantities={order.lines.get().pk: 1}, reason="Broken")


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def step(name, request):
    return reverse(f"admin:returns_returnrequest_{name}", args=[request.pk])


def test_the_warehouse_approves_and_receives_a_return_but_may_not_refund_it(requested, warehouse, staff_in):
    picker = signed_in(staff_in("Warehouse"))

    assert picker.post(step("approve", requested), {"note": ""}).status_code == 302
    line = requested.lines.get()
    assert picker.post(step("receive", requested), {"location": warehouse.pk,
                                                    f"outcome_{line.pk}": "restock"}).status_code == 302
    change = picker.get(step("change", requested)).content.decode()
    assert step("refund", requested) not in change
    assert picker.get(step("refund", requested)).status_code == 403
    assert picker.post(step("refund", requested), {"amount": "18.90"}).status_code == 403

    requested.refresh_from_db()
    assert (requested.status, requested.refund_amount) == ("received", None)


def test_accounts_refund_a_received_return(requested, warehouse, staff_in):
    picker, accountant = signed_in(staff_in("Warehouse")), signed_in(staff_in("Accounts"))
    picker.post(step("approve", requested), {"note": ""})
    picker.post(step("receive", requested), {"location": warehouse.pk,
                                             f"outcome_{requested.lines.get().pk}": "restock"})
    assert step("refund", requested) in accountant.get(step("change", requested)).content.decode()

    assert accountant.post(step("refund", requested), {"amount": "18.90"}).status_code == 302

    requested.refresh_from_db()
    assert (requested.status, requested.refund_amount) == ("refunded", Decimal("18.90"))


def test_staff_reach_a_customers_return_form_only_with_the_permission_to_make_returns(requested, staff_in):
    url = reverse("returns:return_create", args=[requested.order.number])

    assert signed_in(staff_in("Store staff")).get(url).status_code == 404
    assert signed_in(staff_in("Warehouse")).get(url).status_code == 403
    assert signed_in(staff_in("Managers")).get(url).status_code == 200
