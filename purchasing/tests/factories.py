from decimal import Decimal

import factory

from crm.models import Contact
from purchasing.models import SupplierItem, SupplierTerms


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    kind = Contact.Kind.SUPPLIER
    is_company = True
    name = factory.Sequence(lambda n: f"Supplier {n}")
    email = factory.Sequence(lambda n: f"orders{n}@supplier.example")


class SupplierTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierTerms

    supplier = factory.SubFactory(SupplierFactory)
    lead_time_days = 14
    minimum_order = Decimal("0.00")


class SupplierItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierItem

    supplier = factory.SubFactory(SupplierFactory)
    supplier_sku = factory.Sequence(lambda n: f"S-{n}")
    unit_cost = Decimal("4.50")
    pack_size = 1
    is_preferred = True
