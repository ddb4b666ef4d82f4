"""MoneyField: integer cents in the database, exact Decimal amounts in Python, on SQLite and Postgres alike."""

from decimal import Decimal

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F, Sum

from catalog.tests.factories import VariantFactory
from core.money import MoneyField, amount_from_cents, cents_from_amount, money_value
from payments.models import Invoice

pytestmark = pytest.mark.django_db


def stored(table: str, column: str, pk: int):
    """What the database itself holds, read without the ORM's conversion."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} "
                       f"WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_an_amount_is_stored_as_whole_cents_and_read_back_as_the_same_decimal():
    variant = VariantFactory(price=Decimal("176.45"))

    assert stored("catalog_productvariant", "price", variant.pk) == 17645
    variant.refresh_from_db()
    assert variant.price == Decimal("176.45") and str(variant.price) == "176.45"


def test_a_fraction_of_a_cent_is_rounded_half_up_like_the_numeric_column_was():
    assert [cents_from_amount(Decimal(a)) for a in ("0.005", "0.004", "-0.005", "19.999", "3")] == [1, 0, -1, 2000, 300]
    assert [str(amount_from_cents(c)) for c in (0, 5, 17645, -250, Decimal("17645"), 1234.5)] == [
        "0.00", "0.05", "176.45", "-2.50", "176.45", "12.35"]


def test_sums_and_running_totals_in_sql_are_exact_where_floating_point_is_not():
    # 0.1 + 0.2 != 0.3 in binary floating point: SQLite's REAL columns would drift by one ulp per addition.
    prices = [Decimal("0.10"), Decimal("0.20"), Decimal("111.00"), Decimal("41.15"), Decimal("4.00"),
              Decimal("20.30")]
    for price in prices:
        VariantFactory(price=price)

    total = VariantFactory._meta.model.objects.aggregate(s=Sum("price"))["s"]

    assert total == Decimal("176.75") and total == sum(prices)
    variant = VariantFactory(price=Decimal("0.10"))
    for _ in range(2):
        type(variant).objects.filter(pk=variant.pk).update(price=F("price") + money_value(Decimal("0.10")))
    assert type(variant).objects.filter(pk=variant.pk, price=Decimal("0.30")).exists()


def test_money_mixed_with_a_plain_number_in_sql_is_refused_instead_of_mixing_cents_and_dollars():
    with pytest.raises(FieldError):
        list(Invoice.objects.annotate(x=F("amount") + Decimal("1.00")))
    with pytest.raises(FieldError):
        list(Invoice.objects.annotate(x=F("amount") * Decimal("0.05")))
    with pytest.raises(FieldError):
        list(Invoice.objects.annotate(x=F("amount") / 2))


def test_a_form_for_a_money_field_takes_dollars_with_two_places():
    field = MoneyField().formfield()

    assert field.clean("12.5") == Decimal("12.5")
    with pytest.raises(Exception, match="2 decimal places"):
        field.clean("12.345")


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_stored_dollars_to_cents_and_back():
    """An existing shop upgrading: its orders and invoices keep their amounts, and their checks still hold."""
    before = [("orders", "0004_deliverymethod_carrier_deliverymethod_level_and_more"),
              ("payments", "0003_credit_notes")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        method = old.get_model("orders", "DeliveryMethod").objects.create(
            code="test-post", name="Post", price=Decimal("11.75"), handling_fee=Decimal("2.50"))
        # Binary-exact figures: the old floating-point check on SQLite accepts them.
        order = old.get_model("orders", "Order").objects.create(
            number="C-1", email="a@example.com", ship_name="A", ship_address="1 Main", ship_city="Calgary",
            ship_province="AB", ship_postal_code="T2P 1J9", delivery_method=method, delivery_label="Post",
            payment_method="cheque", subtotal=Decimal("100.00"), shipping=Decimal("12.00"),
            handling=Decimal("2.50"), discount=Decimal("0"), tax_total=Decimal("5.75"), total=Decimal("120.25"))
        invoice = old.get_model("payments", "Invoice").objects.create(
            order=order, number="INV-C-1", amount=Decimal("120.25"), amount_paid=Decimal("120.25"),
            amount_refunded=Decimal("20.50"), issued_on="2026-12-01", due_on="2026-12-15")

        executor = MigrationExecutor(connection)
        executor.migrate(latest)

        assert stored("orders_order", "total", order.pk) == 12025
        assert stored("payments_invoice", "amount_refunded", invoice.pk) == 2050
        migrated = Invoice.objects.select_related("order").get(pk=invoice.pk)
        assert (migrated.order.subtotal, migrated.order.total, migrated.amount_refunded) == (
            Decimal("100.00"), Decimal("120.25"), Decimal("20.50"))
        assert migrated.balance == Decimal("20.50")

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert Decimal(str(stored("orders_order", "total", order.pk))) == Decimal("120.25")
        assert Decimal(str(stored("orders_deliverymethod", "price", method.pk))) == Decimal("11.75")
    finally:
        MigrationExecutor(connection).migrate(latest)
