"""The business account's row lock in account_credit_check: two orders on account at once queue on it, so the
second reads what the account owes with the first one's invoice in it. Without it both read the same amount owed
and both squeeze under the limit."""

from decimal import Decimal
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout.models import Cart, CartLine
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, CheckoutError, order_place
from core.tests.races import race_while_held
from inventory.models import Stock
from orders.models import Order
from payments.models import CreditAccount, Invoice
from payments.tests.conftest import ALBERTA

# One kettle to Alberta: 79.00 + 12.00 shipping + 2.50 handling = 93.50, GST 4.675 -> 4.68: $98.18. One order fits
# in the $150.00 limit; two would owe $196.36.
REFUSED = ("This order ($98.18) would bring what your account owes to $196.36, above its credit limit of $150.00. "
           "You can pay this order by card or cheque, or pay an open invoice first.")


@pytest.fixture
def buyer(django_user_model):
    return django_user_model.objects.create_user("acme", "buyer@acme.example", "s3cret-pass")


@pytest.fixture
def account(buyer):
    return CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("150.00"),
                                        terms_days=30)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_orders_on_account_at_the_same_instant_cannot_both_squeeze_under_the_credit_limit(
    canada, kettle, buyer, account
):
    carts = []
    for _ in range(2):  # two buyers of the same business, each with their own cart
        cart = Cart.objects.create()
        cart_add(cart=cart, variant_id=kettle.pk, quantity=1)
        carts.append(cart)

    def order_on_account_in_progress():
        # What an order on account holds while it runs: the account's row, and the stock it reserves. An order
        # that waits for the account is held off at once; one that does not reads what the account owes, then is
        # stopped at the stock (or at its invoice, whose foreign key needs the account row), so both are in flight.
        CreditAccount.objects.select_for_update().get(pk=account.pk)
        Stock.objects.select_for_update().get(variant=kettle)

    outcomes = race_while_held(order_on_account_in_progress, [
        partial(order_place, cart=cart, language="en", user=buyer, details=CheckoutDetails(
            **ALBERTA, delivery_method_id=canada.pk, payment_method="account", purchase_order_number=f"PO-{n}"))
        for n, cart in enumerate(carts, start=1)
    ])

    assert sorted(kind for kind, _result in outcomes) == ["ok", "raised"]
    [order] = [result for kind, result in outcomes if kind == "ok"]
    [(refused_cart, refused)] = [(cart, result) for cart, (kind, result) in zip(carts, outcomes, strict=True)
                                 if kind == "raised"]
    assert type(refused) is CheckoutError and str(refused) == REFUSED
    assert list(Order.objects.values_list("pk", flat=True)) == [order.pk]
    assert list(Invoice.objects.values_list("order_id", "account_id", "amount")) == [
        (order.pk, account.pk, Decimal("98.18"))]
    assert Invoice.objects.filter(account=account).open().balance_total() == Decimal("98.18")
    assert Stock.objects.get(variant=kettle).reserved == 1
    assert list(CartLine.objects.values_list("cart_id", "quantity")) == [(refused_cart.pk, 1)]


@pytest.mark.postgres  # SQLite has no row locks: select_for_update() writes no FOR UPDATE there
@pytest.mark.django_db
def test_the_account_is_locked_before_what_it_owes_is_read_and_before_the_invoice_is_written(
    canada, kettle, buyer, account, order_for
):
    with CaptureQueriesContext(connection) as captured:
        order_for("account", (kettle, 1), user=buyer, po="PO-1")

    statements = [query["sql"] for query in captured.captured_queries]
    account_lock = [i for i, sql in enumerate(statements) if sql.startswith("SELECT") and sql.endswith(
        f'FROM "payments_creditaccount" WHERE "payments_creditaccount"."id" = {account.pk} LIMIT 21 FOR UPDATE')]
    invoice_reads = [i for i, sql in enumerate(statements) if sql.startswith("SELECT")
                     and 'FROM "payments_invoice"' in sql]
    invoice_writes = [i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "payments_invoice"')]
    assert len(account_lock) == 1 and len(invoice_reads) == 1 and len(invoice_writes) == 1
    assert account_lock[0] < invoice_reads[0] < invoice_writes[0]
    assert 'SUM(' in statements[invoice_reads[0]]  # the read of what is owed
