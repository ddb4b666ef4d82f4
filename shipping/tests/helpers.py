"""Helpers for shipping tests."""


def carriers_seed() -> None:
    """The carriers, zones, rates, capacity and holidays a new shop starts with (what the data migration seeds;
    transactional tests flush it), the flat-rate method of the first release retired."""
    from orders.models import DeliveryMethod
    from shipping.models import Carrier, FulfilmentCapacity, Holiday, Rate, Zone
    from shipping.rates import shipping_seed

    shipping_seed(Carrier=Carrier, Zone=Zone, Rate=Rate, DeliveryMethod=DeliveryMethod,
                  FulfilmentCapacity=FulfilmentCapacity, Holiday=Holiday)
