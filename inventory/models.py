"""One inventory for the web shop, the stores and the warehouse.

Stock is kept per SKU (catalog.ProductVariant) per location. Every change is a StockMovement row written by
inventory.services in the same transaction as the change; nothing else writes Stock. The ledger is append-only:
summing on_hand_delta (reserved_delta) over a SKU's movements at a location gives its on_hand (reserved).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField

from .locations import StockLocation, StockLocationQuerySet  # noqa: F401 — the locations are models of this app


class Stock(models.Model):
    variant = models.ForeignKey(
        "catalog.ProductVariant", verbose_name=_("SKU"), related_name="stocks", on_delete=models.PROTECT
    )
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), related_name="stocks", on_delete=models.PROTECT
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(
        _("reserved"), default=0, help_text=_("Held for online orders not yet shipped.")
    )
    # A setting, not a level: the stock dashboard calls a row "low" when what is available falls to it or below.
    # Purchasing's reorder suggestions and low-stock alerts build on it.
    reorder_point = models.PositiveIntegerField(
        _("reorder point"), null=True, blank=True,
        help_text=_("Reorder when the units available here fall to this number. Leave empty for no alert."),
    )
    # Issue 18: what to order at least when this row is reordered (purchasing's nightly suggestions). For a SKU sold
    # online, the rows at the locations that ship online form one pool: their points and quantities add up there.
    reorder_quantity = models.PositiveIntegerField(
        _("reorder quantity"), null=True, blank=True,
        help_text=_("Order at least this many units when reordering. Leave empty to order only what the sales "
                    "need."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["variant_id", "location__priority"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="stock_one_row_per_sku_location"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"),
        ]

    def __str__(self):
        return f"{self.variant.sku} @ {self.location.code}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """One line of the append-only ledger.

    Append-only in the database itself (migration 0006): a trigger refuses any UPDATE or DELETE of a line, whether
    it comes from save()/delete() below, a bulk QuerySet.update()/delete(), raw SQL or another client. The one
    change it lets through is the SET_NULL of created_by when the account that recorded the line is deleted. A
    mistake is put right by a new line (a count correction), never by editing one. Only emptying the whole table
    (TRUNCATE on PostgreSQL; `manage.py flush`, which the tests use, on both databases) removes lines.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt from supplier")
        ONLINE_RESERVATION = "online_reservation", _("Online order reserved")
        ONLINE_RELEASE = "online_release", _("Online reservation released")
        ONLINE_SALE = "online_sale", _("Online sale shipped")
        IN_STORE_SALE = "in_store_sale", _("In-store sale")
        RETURN = "return", _("Return")
        RETURN_WRITE_OFF = "return_write_off", _("Return written off")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        CORRECTION = "correction", _("Count correction")

    stock = models.ForeignKey(Stock, verbose_name=_("stock level"), related_name="movements", on_delete=models.PROTECT)
    # Denormalised from stock for filtering the ledger by SKU or location without a join.
    variant = models.ForeignKey(
        "catalog.ProductVariant", verbose_name=_("SKU"), related_name="movements", on_delete=models.PROTECT
    )
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), related_name="movements", on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    on_hand_delta = models.IntegerField(_("change on hand"), default=0)
    reserved_delta = models.IntegerField(_("change reserved"), default=0)
    on_hand_after = models.PositiveIntegerField(_("on hand after"))
    reserved_after = models.PositiveIntegerField(_("reserved after"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    reference = models.CharField(
        _("reference"), max_length=64, blank=True, help_text=_("Order number, supplier delivery note, till receipt…")
    )
    transfer_id = models.UUIDField(_("transfer"), null=True, blank=True, editable=False)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, editable=False,
        help_text=_("Sent by a point-of-sale system so that a retried request is recorded once."),
    )
    # SHA-256 of who sent the API request and its body: the same key with another request is refused (422).
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True, editable=False)
    # What the customer paid per unit at the counter: the stores' sales in the dashboards (channels) in money too.
    unit_price = MoneyField(
        _("price per unit (CAD)"), null=True, blank=True,
        help_text=_("In-store sales: what the customer paid per unit, before taxes. Empty on other movements."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements (ledger)")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["variant", "-created_at"], name="movement_variant_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_delta=0) | ~Q(reserved_delta=0), name="movement_changes_something"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="movement_idempotency_key_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.variant_id}@{self.location_id} {self.on_hand_delta:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Stock movements are append-only; record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Stock movements are append-only; record a correction instead.")


class ApiToken(models.Model):
    """A key a point-of-sale or back-office system uses to record stock movements as a staff user.

    Only a hash of the key is stored; the key itself is shown once, when the token is created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acts as"), related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. “Till 2, Calgary”."))
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """Give the token a fresh key (not saved); return the key, the only time it can be read."""
        key = secrets.token_urlsafe(32)
        self.prefix = key[:8]
        self.key_hash = self.hash_key(key)
        return key
