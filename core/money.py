"""Money in the database: exact on every backend, by construction.

An amount is a ``Decimal`` with two places in Python (CAD to the cent) and an integer number of cents in the
database. Why integer cents rather than ``DecimalField``: SQLite, the embedded default every evaluator runs first, has
no decimal type. It stores ``numeric`` columns as floating point, so SQL arithmetic is inexact there:
``111.00 + 41.15 + 4.00 + 20.30`` is not ``176.45``, and a CHECK constraint such as "the total adds up", a running
``amount_paid = amount_paid + x`` or ``refunded <= paid`` could fail, or pass, by one ulp. Integers are exact on
SQLite and on Postgres alike, so every constraint, comparison, ``F()`` update and ``Sum()`` over money gives the same
answer on both. (Rounding inside the constraints instead would fix the constraints, not the running totals.)

Arithmetic on money in SQL is checked as well. ``money + money``, ``money - money`` and ``money * integer`` (a
quantity) stay money; anything else, such as adding a plain ``Decimal`` or multiplying by a rate, raises
``FieldError`` at once rather than mixing cents with dollars: wrap a Python amount in ``money_value()`` and compute
rates in Python, where the rounding rule of the law can be applied.
"""

import decimal
from decimal import ROUND_HALF_UP, Decimal

from django.core import checks, exceptions, validators
from django.db import migrations, models
from django.db.models.expressions import Combinable, Value, register_combinable_fields
from django.forms import DecimalField as DecimalFormField
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
NBSP = "\u00a0"
MAX_DIGITS = 12  # up to 9,999,999,999.99: as the numeric(12, 2) columns it replaces
DECIMAL_PLACES = 2


def cents_from_amount(amount: Decimal) -> int:
    """Dollars to integer cents, rounded half away from zero to the cent (as numeric(12, 2) did)."""
    return int(Decimal(amount).scaleb(DECIMAL_PLACES).to_integral_value(rounding=ROUND_HALF_UP))


def amount_from_cents(cents) -> Decimal:
    """What the database gives back (an integer; a numeric for a SUM on Postgres; a float for an AVG on SQLite) as
    dollars with exactly two places."""
    return Decimal(cents).scaleb(-DECIMAL_PLACES).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value):
    """$1,234.50 in English, 1 234,50 $ in French. Amounts are CAD."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (decimal.InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if (get_language() or "en").startswith("fr"):
        return f"{sign}{NBSP.join(groups)},{cents}{NBSP}$"
    return f"{sign}${','.join(groups)}.{cents}"


class MoneyField(models.Field):
    """An amount in CAD: ``Decimal`` with two places in Python and in forms, integer cents in the database."""

    empty_strings_allowed = False
    description = _("Amount of money")
    default_error_messages = {"invalid": _("“%(value)s” is not an amount of money.")}
    max_digits = MAX_DIGITS
    decimal_places = DECIMAL_PLACES

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.has_default() and not callable(self.default):
            try:
                self.to_python(self.default)
            except exceptions.ValidationError:
                errors.append(checks.Error("MoneyField's default must be an amount.", obj=self, id="core.E001"))
        return errors

    def get_internal_type(self):
        return "BigIntegerField"

    @cached_property
    def validators(self):
        return [*super().validators, validators.DecimalValidator(MAX_DIGITS, DECIMAL_PLACES)]

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            if isinstance(value, Decimal) and not value.is_finite():
                raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid",
                                                 params={"value": value})
            return value
        try:
            # A float is taken as the amount it prints as (0.1 -> 0.1, not 0.1000000000000000055...).
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except (decimal.InvalidOperation, TypeError, ValueError):
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid",
                                             params={"value": value}) from None
        if not amount.is_finite():
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})
        return amount

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        return cents_from_amount(value)

    def from_db_value(self, value, expression, connection):
        return None if value is None else amount_from_cents(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DecimalFormField, "max_digits": MAX_DIGITS,
                                    "decimal_places": DECIMAL_PLACES, **kwargs})


# Money stays money through + and - and when multiplied by a quantity; every other mix is a FieldError (no
# combination registered), so cents are never silently added to dollars or read back as dollars.
for _connector in (Combinable.ADD, Combinable.SUB):
    register_combinable_fields(MoneyField, _connector, MoneyField, MoneyField)
register_combinable_fields(MoneyField, Combinable.MUL, models.IntegerField, MoneyField)
register_combinable_fields(models.IntegerField, Combinable.MUL, MoneyField, MoneyField)


def money_value(amount: Decimal) -> Value:
    """A Python amount inside a query expression, e.g. ``F("amount_paid") + money_value(payment.amount)``."""
    return Value(amount, output_field=MoneyField())


class AlterMoneyToCents(migrations.AlterField):
    """``AlterField`` from a ``DecimalField`` of dollars to a ``MoneyField``, converting what is stored to cents
    (and back when unapplied). Remove CHECK constraints that compare two money columns before, add them after:
    columns are converted one at a time."""

    def _column(self, app_label, state):
        model = state.apps.get_model(app_label, self.model_name)
        return model._meta.db_table, model._meta.get_field(self.name).column

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table, column = (schema_editor.quote_name(n) for n in self._column(app_label, from_state))
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE bigint USING round({column} * 100)::bigint")
            return
        schema_editor.execute(f"UPDATE {table} SET {column} = CAST(ROUND({column} * 100) AS INTEGER)")
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table, column = (schema_editor.quote_name(n) for n in self._column(app_label, from_state))
        to_field = to_state.apps.get_model(app_label, self.model_name)._meta.get_field(self.name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE numeric"
                                  f"({to_field.max_digits}, {to_field.decimal_places}) USING {column}::numeric / 100")
            return
        # AlterField.database_backwards calls self.database_forwards, which here would convert to cents again.
        migrations.AlterField.database_forwards(self, app_label, schema_editor, from_state, to_state)
        schema_editor.execute(f"UPDATE {table} SET {column} = {column} / 100.0")

    def describe(self):
        return f"Store {self.model_name}.{self.name} as integer cents"
