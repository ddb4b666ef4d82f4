"""Writes for pages: default opening hours for a store."""

from django.db import transaction

from inventory.locations import StockLocation

from .models import StoreHours
from .seed import hours_seed


def store_hours_default(*, location: StockLocation) -> int:
    """Give a store with no opening hours yet Monday–Saturday 10:00–18:00, closed on Sunday; a store that has hours
    keeps them. Returns how many days were written (0 or 7)."""
    with transaction.atomic():
        StockLocation.objects.select_for_update().filter(pk=location.pk).first()  # one writer per store
        return hours_seed(location=location, StoreHours=StoreHours)
