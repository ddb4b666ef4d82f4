"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from .services.backinstock import restock_sweep
from .services.pickups import pickups_remind


@shared_task
def backorders_fill_all() -> dict:
    """Safety net (beat): waiting backorders take stock that arrived without a receipt form, then sign-ups are told."""
    result = restock_sweep()
    return {"filled": len(result.filled), "notified": result.notified}


@shared_task
def pickups_remind_daily() -> dict:
    """Pickups not collected after SHOP_PICKUP_REMIND_DAYS days: each customer is reminded once (the job)."""
    return {"reminded": pickups_remind()}
