import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from catalog.tests.factories import ProductFactory, VariantFactory
from quotes.models import Quote


def made_to_order_variant(*, sku=None, **kwargs):
    """A made-to-order product ("From $900.00 to $1,400.00, depending on size and wood") and its one SKU."""
    product = ProductFactory(name="Harvest Table", name_fr="Table de ferme", made_to_order=True,
                             estimate_from=Decimal("900.00"), estimate_to=Decimal("1400.00"),
                             estimate_note_en="depending on size and wood",
                             estimate_note_fr="selon la taille et le bois", **kwargs)
    return VariantFactory(product=product, price=Decimal("900.00"), **({"sku": sku} if sku else {}))


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    variant = factory.LazyFunction(made_to_order_variant)
    product = factory.LazyAttribute(lambda o: o.variant.product)
    name = "Ana Tremblay"
    email = "ana@example.com"
    specifics = "Oak, 2 m long, seats eight."
    quantity = 2


class QuotedFactory(QuoteFactory):
    status = Quote.Status.QUOTED
    unit_price = Decimal("1150.00")
    lead_time_days = 30
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    quoted_at = factory.LazyFunction(timezone.now)
