""""Email me when it is back", and what happens when stock arrives.

- back_in_stock_request: a visitor asks, on the page of a SKU that is out of stock online and cannot be
  backordered; one pending request per address and SKU (a second sign-up finds the first).
- back_in_stock_notify: for SKUs available online again, each pending request gets one email (outbox) and is marked
  notified with a conditional update, in the same transaction as its email: a second run never sends twice.
- restock_process: after a receipt, waiting backorders take their share first (orders.services.backorders), then
  the sign-ups of SKUs with units still left are told. It runs on inventory's `restocked` hook (added in
  ShippingConfig.ready) once the transaction that put units back on sale commits. restock_sweep does the same for
  every SKU that could need it (beat, shipping.tasks.backorders_fill_all), for arrivals that did not go through a
  receipt form: returns, count corrections, transfers, cancelled orders.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import Product, ProductVariant
from inventory.selectors import availability_by_variant
from orders.services.backorders import Filled, backorders_fill, backorders_waiting
from outbox.services import email_queue_rendered

from ..models import BackInStockRequest


class BackInStockError(ValueError):
    """The request cannot be taken as asked; the message is for the visitor."""


@dataclass(frozen=True)
class RestockResult:
    filled: list[Filled]  # (order number, variant id, units held) for each backordered line served
    notified: int  # back-in-stock emails queued


def _product_name(variant: ProductVariant) -> str:
    return f"{variant.product.name} ({variant.label})" if variant.label else variant.product.name


def back_in_stock_request(*, variant: ProductVariant, email: str, language: str) -> tuple[BackInStockRequest, bool]:
    """Record that this address wants one email when the SKU is back online; (request, created). Asking again
    before that email returns the pending request. Raises BackInStockError when the SKU can be ordered now."""
    if not variant.is_active or not Product.objects.online().filter(pk=variant.product_id).exists():
        raise BackInStockError(_("That product is not sold online."))
    if variant.product.allow_backorder or availability_by_variant([variant.pk])[variant.pk].online > 0:
        raise BackInStockError(
            _("Good news: %(name)s can be ordered now.") % {"name": _product_name(variant)}
        )
    # get_or_create re-reads the pending row if a concurrent sign-up inserted it first (unique constraint).
    return BackInStockRequest.objects.get_or_create(
        variant=variant, email=email.strip().lower(), notified_at=None, defaults={"language": language}
    )


def back_in_stock_notify(*, variant_ids) -> int:
    """Email every pending request of those SKUs that are available online now; returns how many were queued."""
    pending = set(
        BackInStockRequest.objects.filter(variant_id__in=list(variant_ids), notified_at__isnull=True)
        .values_list("variant_id", flat=True)
    )
    if not pending:
        return 0
    available = availability_by_variant(pending)
    variants = (
        ProductVariant.objects.select_related("product")
        .filter(pk__in=[v for v in pending if available[v].online > 0], is_active=True,
                product__in=Product.objects.online())
        .order_by("pk")
    )
    queued = 0
    for variant in variants:
        for request in BackInStockRequest.objects.filter(variant=variant, notified_at__isnull=True).order_by("pk"):
            queued += _notify(request=request, variant=variant)
    return queued


@transaction.atomic
def _notify(*, request: BackInStockRequest, variant: ProductVariant) -> int:
    claimed = BackInStockRequest.objects.filter(pk=request.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:  # another run told this address already
        return 0
    with translation.override(request.language):
        product_url = settings.SHOP_BASE_URL.rstrip("/") + variant.product.get_absolute_url()
    email_queue_rendered(
        to=request.email, template="emails/shipping/back_in_stock", language=request.language,
        reference=f"back-in-stock-{request.pk}",
        context={"product_name": _product_name(variant), "product_url": product_url, "language": request.language},
    )
    return 1


def restock_process(*, variant_ids, user=None) -> RestockResult:
    """Stock of these SKUs arrived: waiting backorders first, then the back-in-stock sign-ups (with what is left).
    Call it after the stock movement committed (inventory.services.restock_after_commit does)."""
    variant_ids = set(variant_ids)
    filled = backorders_fill(variant_ids=variant_ids, user=user)
    return RestockResult(filled=filled, notified=back_in_stock_notify(variant_ids=variant_ids))


def restock_sweep() -> RestockResult:
    """restock_process for every SKU with a waiting backorder or a pending sign-up (beat; safe to run any time)."""
    variant_ids = set(backorders_waiting().values_list("variant_id", flat=True)) | set(
        BackInStockRequest.objects.filter(notified_at__isnull=True).values_list("variant_id", flat=True)
    )
    return restock_process(variant_ids=variant_ids)
