"""Every stock change goes through this module; nothing else writes Stock or StockMovement.

Rules (after Saleor's warehouse management):
- stock rows are locked with SELECT ... FOR UPDATE in primary-key order, so two transactions touching the same
  SKUs always queue in the same order and never deadlock;
- availability is re-checked under the lock, and written with F() expressions;
- the database backs it with CHECK constraints (0 <= reserved <= on_hand);
- each change writes one ledger row with who, when, why and the resulting levels;
- after commit, the page-cache versions of the products touched are bumped.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import ProductVariant
from catalog.services import catalog_pages_refresh_after_stock_change
from core.hooks import Hook

from .models import ApiToken, Stock, StockLocation, StockMovement

Kind = StockMovement.Kind


class StockError(ValueError):
    """A stock change that cannot be made; the message is meant for the person who asked."""


class InsufficientStock(StockError):
    def __init__(self, shortages: dict[int, int], message: str = ""):
        # shortages: variant_id -> units that were available
        self.shortages = shortages
        super().__init__(message or _("Not enough stock."))


@dataclass(frozen=True)
class Allocation:
    """Units of one SKU held at one location for an online order."""

    stock_id: int
    variant_id: int
    location_id: int
    quantity: int


def _require_positive(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise StockError(_("The quantity must be a whole number greater than zero."))


def _locked_stock(variant: ProductVariant, location: StockLocation) -> Stock:
    """The stock row for a SKU at a location, created if needed, locked until the transaction ends (one query when
    the row exists, as it nearly always does)."""
    locked = Stock.objects.select_for_update().order_by()
    try:
        return locked.get(variant=variant, location=location)
    except Stock.DoesNotExist:
        stock, _created = Stock.objects.get_or_create(variant=variant, location=location)  # a unique constraint
        return locked.get(pk=stock.pk)


def _apply(stock: Stock, *, kind, on_hand_delta=0, reserved_delta=0, user=None, reason="", reference="",
           transfer_id=None, idempotency_key="", request_fingerprint="", unit_price=None) -> StockMovement:
    """Write one change to a locked stock row and its ledger line. Caller holds the row lock."""
    Stock.objects.filter(pk=stock.pk).update(
        on_hand=F("on_hand") + on_hand_delta, reserved=F("reserved") + reserved_delta
    )
    stock.on_hand += on_hand_delta
    stock.reserved += reserved_delta
    movement = StockMovement.objects.create(
        stock=stock,
        variant_id=stock.variant_id,
        location_id=stock.location_id,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        on_hand_after=stock.on_hand,
        reserved_after=stock.reserved,
        reason=reason[:255],
        reference=reference[:64],
        transfer_id=transfer_id,
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint,
        unit_price=unit_price,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return movement


def _refresh_pages_on_commit(variant_ids) -> None:
    rows = ProductVariant.objects.filter(pk__in=set(variant_ids)).values_list("product_id", "product__category_id")
    _pages_refresh_on_commit(product_ids={p for p, _c in rows}, category_ids={c for _p, c in rows})


def _refresh_pages_of_variant_on_commit(variant: ProductVariant) -> None:
    """_refresh_pages_on_commit for one SKU, with no query when its product is loaded already (a CSV import's)."""
    if not ProductVariant.product.is_cached(variant):
        _refresh_pages_on_commit([variant.pk])
        return
    _pages_refresh_on_commit(product_ids={variant.product_id}, category_ids={variant.product.category_id})


def _pages_refresh_on_commit(*, product_ids, category_ids) -> None:
    transaction.on_commit(
        partial(catalog_pages_refresh_after_stock_change, product_ids=product_ids, category_ids=category_ids),
        robust=True,
    )


# Units of some SKUs are back on sale (a receipt, a cancelled or expired order, a restocked return): what the apps
# above inventory then do, with variant_ids and user. Shipping adds restock_process (waiting backorders are served
# first, then the back-in-stock sign-ups): see ShippingConfig.ready.
restocked = Hook("units back on sale")


def restock_after_commit(*, variant_ids, user=None) -> None:
    """Call inside the transaction that put units of these SKUs back on sale: once it commits, the `restocked`
    hook runs. A failure there never undoes the stock movement; the beat sweep (shipping.tasks) catches up."""
    ids = frozenset(variant_ids)
    if ids:
        transaction.on_commit(partial(restocked.run, variant_ids=ids, user=user), robust=True)


@transaction.atomic
def stock_receive(*, variant: ProductVariant, location: StockLocation, quantity: int, user=None, reason="",
                  reference="", idempotency_key="", request_fingerprint="") -> StockMovement:
    """Goods received from a supplier."""
    _require_positive(quantity)
    stock = _locked_stock(variant, location)
    movement = _apply(stock, kind=Kind.RECEIPT, on_hand_delta=quantity, user=user, reason=reason,
                      reference=reference, idempotency_key=idempotency_key, request_fingerprint=request_fingerprint)
    _refresh_pages_on_commit([variant.pk])
    return movement


@transaction.atomic
def stock_receive_many(*, lines, user=None, reason="", reference="") -> int:
    """Receive many (variant_id, location_id, quantity) lines in one transaction (imports, demo data).

    Only for SKUs with no stock row yet at that location; returns the number of lines received.
    """
    lines = [(v, loc, q) for v, loc, q in lines]
    for _v, _loc, quantity in lines:
        _require_positive(quantity)
    stocks = Stock.objects.bulk_create(
        [Stock(variant_id=v, location_id=loc, on_hand=q) for v, loc, q in lines], batch_size=1000
    )
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                stock=stock,
                variant_id=stock.variant_id,
                location_id=stock.location_id,
                kind=Kind.RECEIPT,
                on_hand_delta=stock.on_hand,
                on_hand_after=stock.on_hand,
                reserved_after=0,
                reason=reason,
                reference=reference,
                created_by=user if user is not None and user.is_authenticated else None,
            )
            for stock in stocks
        ],
        batch_size=1000,
    )
    _refresh_pages_on_commit([v for v, _loc, _q in lines])
    return len(stocks)


@transaction.atomic
def stock_sell_in_store(*, variant: ProductVariant, location: StockLocation, quantity: int, user=None,
                        reason="", reference="", idempotency_key="", request_fingerprint="",
                        unit_price: Decimal | None = None) -> StockMovement:
    """A sale at a store's counter: the units leave the shelf and are no longer sellable online. `unit_price`, what
    the customer paid per unit before taxes, is the SKU's catalogue price unless the clerk or the till says."""
    _require_positive(quantity)
    if unit_price is not None and (not unit_price.is_finite() or unit_price < 0):
        raise StockError(_("The price per unit cannot be negative."))
    stock = _locked_stock(variant, location)
    if stock.available < quantity:
        raise InsufficientStock(
            {variant.pk: stock.available},
            ngettext(
                "Only %(count)d unit of %(sku)s is available at %(location)s.",
                "Only %(count)d units of %(sku)s are available at %(location)s.",
                stock.available,
            ) % {"count": stock.available, "sku": variant.sku, "location": location.name},
        )
    movement = _apply(stock, kind=Kind.IN_STORE_SALE, on_hand_delta=-quantity, user=user, reason=reason,
                      reference=reference, idempotency_key=idempotency_key, request_fingerprint=request_fingerprint,
                      unit_price=variant.price if unit_price is None else unit_price)
    _refresh_pages_on_commit([variant.pk])
    return movement


@transaction.atomic
def stock_return(*, variant: ProductVariant, location: StockLocation, quantity: int, user=None, reason="",
                 reference="", idempotency_key="", request_fingerprint="") -> StockMovement:
    """Goods brought back in sellable condition go back on the shelf."""
    _require_positive(quantity)
    stock = _locked_stock(variant, location)
    movement = _apply(stock, kind=Kind.RETURN, on_hand_delta=quantity, user=user, reason=reason,
                      reference=reference, idempotency_key=idempotency_key, request_fingerprint=request_fingerprint)
    _refresh_pages_on_commit([variant.pk])
    return movement


@transaction.atomic
def stock_return_write_off(*, variant: ProductVariant, location: StockLocation, quantity: int, user=None, reason="",
                           reference="") -> tuple[StockMovement, StockMovement]:
    """Goods brought back damaged: two ledger lines under one lock, the units coming back (RETURN) and leaving as
    written off (RETURN_WRITE_OFF), so the ledger shows them while sellable stock does not change."""
    _require_positive(quantity)
    stock = _locked_stock(variant, location)
    back = _apply(stock, kind=Kind.RETURN, on_hand_delta=quantity, user=user, reason=reason, reference=reference)
    gone = _apply(stock, kind=Kind.RETURN_WRITE_OFF, on_hand_delta=-quantity, user=user, reason=reason,
                  reference=reference)
    return back, gone


@transaction.atomic
def stock_transfer(*, variant: ProductVariant, source: StockLocation, destination: StockLocation, quantity: int,
                   user=None, reason="", reference="") -> tuple[StockMovement, StockMovement]:
    """Move units between two locations: two ledger lines sharing one transfer id."""
    _require_positive(quantity)
    if source.pk == destination.pk:
        raise StockError(_("Choose two different locations for a transfer."))
    for loc in (source, destination):
        Stock.objects.get_or_create(variant=variant, location=loc)
    locked = {
        s.location_id: s
        for s in Stock.objects.select_for_update()
        .filter(variant=variant, location__in=[source, destination])
        .order_by("pk")
    }
    out_stock, in_stock = locked[source.pk], locked[destination.pk]
    if out_stock.available < quantity:
        raise InsufficientStock(
            {variant.pk: out_stock.available},
            _("Only %(count)d units of %(sku)s can leave %(location)s.")
            % {"count": out_stock.available, "sku": variant.sku, "location": source.name},
        )
    transfer_id = uuid.uuid4()
    common = {"user": user, "reason": reason, "reference": reference, "transfer_id": transfer_id}
    moved_out = _apply(out_stock, kind=Kind.TRANSFER_OUT, on_hand_delta=-quantity, **common)
    moved_in = _apply(in_stock, kind=Kind.TRANSFER_IN, on_hand_delta=quantity, **common)
    _refresh_pages_on_commit([variant.pk])
    return moved_out, moved_in


class ShortCount:
    """What the apps above inventory do with a count lower than the units reserved for online orders.

    Inventory knows stock rows, not orders: the orders app sets both functions (OrdersConfig.ready ->
    orders.services.shortcount):
    - plan(stock_id=, units=) -> [(order number, units)]: the orders that would give up those units, newest
      first, for the confirmation page (a read);
    - release(stock_id=, counted=, user=, reason=) -> [(order number, units)]: gives them up, inside the count's
      transaction, locking its orders before the stock row (the order every other change takes) and releasing the
      units through stock_release.
    """

    def __init__(self):
        self.plan = None
        self.release = None

    def set(self, *, plan, release) -> None:
        self.plan, self.release = plan, release


short_count = ShortCount()


@dataclass(frozen=True)
class CountResult:
    """A count recorded: its ledger line (None when it matched) and the (order number, units) put back on
    backorder because the shelf held fewer units than they reserved, newest order first."""

    movement: StockMovement | None
    taken: tuple[tuple[str, int], ...] = ()


def stock_count_record(*, variant: ProductVariant, location: StockLocation, counted: int, user=None, reason="",
                       release_reserved: bool = False) -> CountResult:
    """Set on-hand to what was counted on the shelf.

    A count lower than the units reserved here is refused unless `release_reserved` (the clerk confirmed what it
    does): then the shortfall is taken off the orders holding units here, newest first (short_count.release), and
    the count is recorded, all in one transaction. The stock row is re-checked under its lock at the end, so a
    reservation made meanwhile refuses the count rather than break reserved <= on hand."""
    if not isinstance(counted, int) or isinstance(counted, bool) or counted < 0:
        raise StockError(_("The counted quantity must be a whole number, zero or more."))
    with transaction.atomic():
        taken: tuple[tuple[str, int], ...] = ()
        if release_reserved and short_count.release is not None:
            stock, _created = Stock.objects.get_or_create(variant=variant, location=location)
            if counted < stock.reserved:  # read without the lock: the release locks its orders, then this row
                taken = tuple(short_count.release(stock_id=stock.pk, counted=counted, user=user, reason=reason))
        stock = _locked_stock(variant, location)
        if counted < stock.reserved:
            if release_reserved:
                raise StockError(
                    _("%(reserved)d units are still reserved here by orders that could not give them up (one may "
                      "have been placed while you counted). Nothing was recorded; record the count again.")
                    % {"reserved": stock.reserved}
                )
            raise StockError(
                _("%(reserved)d units are reserved for online orders here; a lower count puts the newest of those "
                  "orders back on backorder and must be confirmed.") % {"reserved": stock.reserved}
            )
        delta = counted - stock.on_hand
        if delta == 0:
            return CountResult(None, taken)
        movement = _apply(stock, kind=Kind.CORRECTION, on_hand_delta=delta, user=user, reason=reason)
        _refresh_pages_of_variant_on_commit(variant)
        return CountResult(movement, taken)


def stock_correct(*, variant: ProductVariant, location: StockLocation, counted: int, user=None, reason="",
                  release_reserved: bool = False) -> StockMovement | None:
    """stock_count_record's ledger line: None when the count already matches."""
    return stock_count_record(variant=variant, location=location, counted=counted, user=user, reason=reason,
                              release_reserved=release_reserved).movement


@transaction.atomic
def stock_reserve(*, lines, reference="", user=None, backorderable: frozenset[int] = frozenset()) -> list[Allocation]:
    """THE reservation rule for online orders: hold units at the locations that ship online, or fail whole.

    ``lines`` is an iterable of (variant_id, quantity). Every stock row of those SKUs at shipping locations is
    locked in primary-key order, availability (on hand - reserved) is re-read under the lock, and units are
    taken from the locations with the lowest priority number first. If any SKU is short, nothing is reserved and
    InsufficientStock says how many of each short SKU were available.

    SKUs in ``backorderable`` (variant ids of products that allow backorders) are never short: what is available
    of them is held and the rest is left for the caller to record as backordered. The caller learns how many units
    of each SKU were held by adding up the returned allocations (a SKU with nothing available has none).
    """
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines:
        _require_positive(quantity)
        wanted[int(variant_id)] += quantity
    if not wanted:
        return []
    rows = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(variant_id__in=wanted, location__is_active=True, location__ships_online=True)
        .select_related("location")
        # read with the rows, so the pages to refresh need no query of their own
        .annotate(product_id=F("variant__product_id"), category_id=F("variant__product__category_id"))
        .order_by("pk")
    )
    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for stock in rows:
        by_variant[stock.variant_id].append(stock)
    shortages = {
        variant_id: sum(s.available for s in by_variant[variant_id])
        for variant_id, quantity in wanted.items()
        if variant_id not in backorderable and sum(s.available for s in by_variant[variant_id]) < quantity
    }
    if shortages:
        raise InsufficientStock(shortages)
    allocations = []
    for variant_id, quantity in wanted.items():
        remaining = quantity
        for stock in sorted(by_variant[variant_id], key=lambda s: (s.location.priority, s.pk)):
            take = min(remaining, stock.available)
            if take <= 0:
                continue
            _apply(stock, kind=Kind.ONLINE_RESERVATION, reserved_delta=take, user=user, reference=reference)
            allocations.append(Allocation(stock.pk, variant_id, stock.location_id, take))
            remaining -= take
            if remaining == 0:
                break
    if allocations:
        taken = {a.stock_id for a in allocations}
        _pages_refresh_on_commit(product_ids={s.product_id for s in rows if s.pk in taken},
                                 category_ids={s.category_id for s in rows if s.pk in taken})
    return allocations


def _locked_for_allocations(allocations) -> dict[int, Stock]:
    ids = sorted({a.stock_id for a in allocations})
    return {s.pk: s for s in Stock.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


@transaction.atomic
def stock_release(*, allocations, reference="", user=None, reason="") -> None:
    """Give back units held for an online order that will not ship (cancelled, expired)."""
    locked = _locked_for_allocations(allocations)
    for a in allocations:
        stock = locked[a.stock_id]
        if stock.reserved < a.quantity:
            raise StockError(_("Fewer units are reserved than the order holds; nothing was released."))
        _apply(stock, kind=Kind.ONLINE_RELEASE, reserved_delta=-a.quantity, user=user, reason=reason,
               reference=reference)
    _refresh_pages_on_commit([a.variant_id for a in allocations])


@transaction.atomic
def stock_ship(*, allocations, reference="", user=None) -> None:
    """Reserved units leave the building with an online order: on hand and reserved both go down."""
    locked = _locked_for_allocations(allocations)
    for a in allocations:
        stock = locked[a.stock_id]
        if stock.reserved < a.quantity:
            raise StockError(_("Fewer units are reserved than the order holds; nothing was shipped."))
        _apply(stock, kind=Kind.ONLINE_SALE, on_hand_delta=-a.quantity, reserved_delta=-a.quantity, user=user,
               reference=reference)
    _refresh_pages_on_commit([a.variant_id for a in allocations])


def stock_reorder_set(*, stock_id: int, reorder_point: int | None, reorder_quantity: int | None) -> None:
    """Change a stock row's reorder settings (settings, not levels: no ledger line). Only these two columns are
    written, so a concurrent movement's on hand and reserved are never overwritten by a stale copy of the row."""
    for value in (reorder_point, reorder_quantity):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise StockError(_("Reorder settings must be whole numbers, zero or more."))
    Stock.objects.filter(pk=stock_id).update(reorder_point=reorder_point, reorder_quantity=reorder_quantity)


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new key for a point-of-sale system; returns the token and the key, which is never shown again."""
    token = ApiToken(user=user, name=name)
    key = token.set_new_key()
    token.save()
    return token, key


def api_token_user(key: str):
    """The active staff user behind a key, or None; notes when the token was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), is_active=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
