"""The delivery promise on product pages, and the regions nobody delivers to."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import timezone

from orders.models import DeliveryMethod, Province

from ..services.promise import promise_context
from ..services.rates import GRAMS_PER_KG, delivery_options, unserved_text

register = template.Library()


@dataclass(frozen=True)
class ProductPromise:
    arrives_on: date | None
    method: str
    region: str
    before_cutoff: bool
    backorder: bool


@register.simple_tag
def delivery_promise(variant, availability, product) -> ProductPromise | None:
    """When this SKU, ordered now, reaches the shop's home province with the cheapest carrier; None when it
    cannot be ordered online. A backorder counts from its restock date (no date: None arrives_on)."""
    backorder = availability.online <= 0
    if backorder and not getattr(product, "allow_backorder", False):
        return None
    ready_on = getattr(product, "restock_expected_on", None) if backorder else None
    context = promise_context()
    province = settings.SHOP_HOME_PROVINCE
    options = [o for o in delivery_options(province=province, postal_code="",
                                           weight_kg=Decimal(variant.weight_grams) / GRAMS_PER_KG,
                                           context=context, ready_on=ready_on)
               if o.method.kind == DeliveryMethod.Kind.SHIP]
    if not options:
        return None
    cheapest = min(options, key=lambda o: (o.total, o.promise.arrives_on))
    local = timezone.localtime(context.now)
    return ProductPromise(
        arrives_on=None if backorder and ready_on is None else cheapest.promise.arrives_on,
        method=cheapest.label, region=str(Province(province).label) if province in Province.values else province,
        before_cutoff=context.calendar.is_working(local.date()) and local.time() <= context.cutoff,
        backorder=backorder,
    )


@register.simple_tag
def unserved_regions() -> str:
    return unserved_text()
