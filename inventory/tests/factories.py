import factory

from inventory.models import StockLocation


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLocation

    name = factory.Sequence(lambda n: f"Location {n}")
    code = factory.Sequence(lambda n: f"loc{n}")
    kind = StockLocation.Kind.STORE
    ships_online = False


class WarehouseFactory(LocationFactory):
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = StockLocation.Kind.WAREHOUSE
    ships_online = True
