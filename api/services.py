"""Writes of the api app itself (the domain writes are the domain apps' services)."""

from .idempotency import expired_before
from .models import IdempotencyKey


def idempotency_keys_purge() -> int:
    """Forget the Idempotency-Keys older than settings.SHOP_API_IDEMPOTENCY_HOURS; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=expired_before()).delete()
    return deleted
