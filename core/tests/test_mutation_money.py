"""MoneyField rules that only mutation testing (make mutation) showed untested."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from core.money import MoneyField


def field(**kwargs):
    money = MoneyField(**kwargs)
    money.set_attributes_from_name("amount")
    return money


def test_an_amount_of_up_to_ten_digits_before_the_cents_is_valid_and_nothing_larger():
    assert field().clean(Decimal("9999999999.99"), None) == Decimal("9999999999.99")

    with pytest.raises(ValidationError, match="no more than 12 digits"):
        field().clean(Decimal("10000000000.00"), None)


@pytest.mark.parametrize("junk", [[1, 2], {"amount": 1}, object(), "12,50", float("nan")])
def test_junk_is_not_an_amount_of_money(junk):
    with pytest.raises(ValidationError, match="is not an amount of money"):
        field().to_python(junk)


def test_a_money_field_without_a_default_starts_empty_not_as_an_empty_string():
    assert field().get_default() is None


def test_an_amount_is_serialized_as_its_dollars_and_nothing_as_an_empty_string():
    assert field().value_to_string(SimpleNamespace(amount=Decimal("12.50"))) == "12.50"
    assert field().value_to_string(SimpleNamespace(amount=None)) == ""


@pytest.mark.parametrize("options, errors", [
    ({}, []), ({"default": Decimal("0")}, []), ({"default": "0.50"}, []), ({"default": Decimal}, []),
    ({"default": "lots"}, ["core.E001"]),
])
def test_a_default_that_is_not_an_amount_is_reported_by_the_system_checks(options, errors):
    from orders.models import Order

    money = field(**options)
    money.model = Order

    assert [error.id for error in money.check() if error.id.startswith("core.")] == errors


@pytest.mark.django_db
def test_a_float_or_text_amount_saved_on_a_model_is_stored_as_the_cents_it_reads_as():
    from catalog.tests.factories import VariantFactory

    variant = VariantFactory(price=0.145)  # 0.145 is 0.14499999... in binary: it is saved as it prints, 0.15
    variant.refresh_from_db()
    assert variant.price == Decimal("0.15")

    variant.price = "19.995"
    variant.save(update_fields=["price"])
    variant.refresh_from_db()
    assert variant.price == Decimal("20.00")

    variant.price = "lots"
    with pytest.raises(ValidationError, match="is not an amount of money"):
        variant.save(update_fields=["price"])


@pytest.mark.django_db
def test_an_amount_added_in_sql_is_taken_as_it_reads_even_from_a_float_or_text():
    from django.db.models import F

    from catalog.tests.factories import VariantFactory
    from core.money import money_value

    variant = VariantFactory(price=Decimal("10.00"))
    query = type(variant).objects.filter(pk=variant.pk)

    # 0.145 is 0.14499999... in binary: it counts as 0.15, as it reads, in a query and in an update alike
    assert query.annotate(more=F("price") + money_value(0.145)).get().more == Decimal("10.15")
    query.update(price=F("price") + money_value(0.145))
    query.update(price=F("price") + money_value("0.005"))
    assert query.get().price == Decimal("10.16")
