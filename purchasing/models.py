"""Suppliers, reorder suggestions, purchase orders and low-stock alerts (issue 18, I6, I7, R1).

- A supplier is a CRM contact of kind "supplier" (crm.Contact.Kind.SUPPLIER); SupplierTerms holds how it is ordered
  from (lead time, minimum order, where to send orders) and SupplierItem what it sells us (its SKU, unit cost,
  pack size) per SKU.
- ReorderSuggestion rows are what the nightly job (purchasing.services.reorder) proposes; they are replaced each
  night. Staff turn selected ones into draft purchase orders.
- A PurchaseOrder moves draft -> sent -> partly received -> received (or cancelled) only through
  purchasing.services.orders.purchase_order_transition, each move a PurchaseOrderEvent.
- LowStockAlert: one row per crossing of a stock row's reorder point; open while the row stays low.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField

SUPPLIERS = {"kind": "supplier"}  # crm.Contact.Kind.SUPPLIER


class SupplierTerms(models.Model):
    supplier = models.OneToOneField("crm.Contact", verbose_name=_("supplier"), related_name="supplier_terms",
                                    on_delete=models.CASCADE, limit_choices_to=SUPPLIERS)
    lead_time_days = models.PositiveIntegerField(
        _("lead time (days)"), default=7, help_text=_("Days from sending an order to the goods arriving."))
    minimum_order = MoneyField(_("minimum order (CAD)"), default=0,
                               help_text=_("The smallest order this supplier accepts, before taxes."))
    currency = models.CharField(_("currency"), max_length=3, default="CAD", choices=[("CAD", "CAD")])
    order_email = models.EmailField(_("email for orders"), blank=True,
                                    help_text=_("Purchase orders are emailed here (the contact's email if empty)."))

    class Meta:
        verbose_name = _("supplier terms")
        verbose_name_plural = _("supplier terms")
        ordering = ["supplier__name"]
        constraints = [models.CheckConstraint(condition=Q(minimum_order__gte=0), name="terms_minimum_not_negative")]

    def __str__(self):
        return str(self.supplier)


class SupplierItem(models.Model):
    supplier = models.ForeignKey("crm.Contact", verbose_name=_("supplier"), related_name="supplier_items",
                                 on_delete=models.CASCADE, limit_choices_to=SUPPLIERS)
    variant = models.ForeignKey("catalog.ProductVariant", verbose_name=_("SKU"), related_name="supplier_items",
                                on_delete=models.CASCADE)
    supplier_sku = models.CharField(_("supplier SKU"), max_length=64, blank=True)
    unit_cost = MoneyField(_("unit cost (CAD)"), validators=[MinValueValidator(0)])
    pack_size = models.PositiveIntegerField(_("pack size"), default=1, validators=[MinValueValidator(1)],
                                            help_text=_("Units per pack: orders are rounded up to whole packs."))
    is_preferred = models.BooleanField(_("preferred"), default=False,
                                       help_text=_("Reorder suggestions use the preferred supplier of a SKU."))

    class Meta:
        verbose_name = _("supplier item")
        verbose_name_plural = _("supplier items")
        ordering = ["variant__sku", "supplier__name"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "variant"], name="supplier_item_once"),
            models.UniqueConstraint(fields=["variant"], condition=Q(is_preferred=True),
                                    name="supplier_item_one_preferred"),
            models.CheckConstraint(condition=Q(pack_size__gte=1), name="supplier_item_pack_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="supplier_item_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.supplier} — {self.supplier_sku or self.variant_id}"


class PurchaseOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTLY_RECEIVED = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.DRAFT, Status.SENT, Status.PARTLY_RECEIVED)  # their units not received count as "on order"

    number = models.CharField(_("number"), max_length=20, unique=True, blank=True)
    supplier = models.ForeignKey("crm.Contact", verbose_name=_("supplier"), related_name="purchase_orders",
                                 on_delete=models.PROTECT, limit_choices_to=SUPPLIERS)
    location = models.ForeignKey("inventory.StockLocation", verbose_name=_("deliver to"), related_name="+",
                                 on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    expected_on = models.DateField(_("expected"), null=True, blank=True)
    notes = models.TextField(_("notes to the supplier"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def total(self):
        return sum((line.line_total for line in self.lines.all()), start=0)


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, verbose_name=_("purchase order"), related_name="lines",
                              on_delete=models.CASCADE)
    variant = models.ForeignKey("catalog.ProductVariant", verbose_name=_("SKU"), related_name="+",
                                on_delete=models.PROTECT)
    supplier_sku = models.CharField(_("supplier SKU"), max_length=64, blank=True)
    quantity_ordered = models.PositiveIntegerField(_("ordered"), validators=[MinValueValidator(1)])
    quantity_received = models.PositiveIntegerField(_("received"), default=0)
    unit_cost = MoneyField(_("unit cost (CAD)"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_ordered__gte=1), name="po_line_ordered_positive"),
            models.CheckConstraint(condition=Q(quantity_received__lte=F("quantity_ordered")),
                                   name="po_line_received_within_ordered"),
        ]

    def __str__(self):
        return f"{self.quantity_ordered} × {self.variant_id}"

    @property
    def line_total(self):
        return self.unit_cost * self.quantity_ordered

    @property
    def quantity_left(self) -> int:
        return self.quantity_ordered - self.quantity_received


class PurchaseOrderEvent(models.Model):
    """One step of a purchase order's timeline."""

    order = models.ForeignKey(PurchaseOrder, related_name="events", on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=20, choices=PurchaseOrder.Status.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase order event")
        verbose_name_plural = _("purchase order timeline")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order_id}: {self.status}"


class ReorderSuggestion(models.Model):
    """What to order for one SKU, for one store or for the online pool (the active locations that ship online,
    taken together), as the nightly job computed it. The figures it was computed from are kept, so staff can check
    the arithmetic."""

    variant = models.ForeignKey("catalog.ProductVariant", verbose_name=_("SKU"), related_name="+",
                                on_delete=models.CASCADE)
    location = models.ForeignKey("inventory.StockLocation", verbose_name=_("deliver to"), related_name="+",
                                 on_delete=models.CASCADE)
    online_pool = models.BooleanField(_("online pool"), default=False,
                                      help_text=_("For every location that ships online, delivered to the first."))
    supplier = models.ForeignKey("crm.Contact", verbose_name=_("supplier"), null=True, blank=True, related_name="+",
                                 on_delete=models.CASCADE)
    supplier_sku = models.CharField(_("supplier SKU"), max_length=64, blank=True)
    unit_cost = MoneyField(_("unit cost (CAD)"), null=True, blank=True)
    pack_size = models.PositiveIntegerField(_("pack size"), default=1)
    sold = models.PositiveIntegerField(_("units sold"))
    days = models.PositiveIntegerField(_("over days"))
    velocity = models.DecimalField(_("units per day"), max_digits=10, decimal_places=3)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    safety_days = models.PositiveIntegerField(_("safety stock (days)"))
    reorder_point = models.PositiveIntegerField(_("reorder point"), null=True, blank=True)
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), null=True, blank=True)
    available = models.IntegerField(_("available"))
    on_order = models.PositiveIntegerField(_("on order"))
    need = models.PositiveIntegerField(_("units needed"))
    quantity = models.PositiveIntegerField(_("suggested quantity"))
    purchase_order = models.ForeignKey(PurchaseOrder, verbose_name=_("purchase order"), null=True, blank=True,
                                       related_name="+", on_delete=models.SET_NULL)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("reorder suggestion")
        verbose_name_plural = _("reorder suggestions")
        ordering = ["supplier__name", "variant__sku", "pk"]

    def __str__(self):
        return f"{self.quantity} × {self.variant.sku}"


class LowStockAlert(models.Model):
    """A stock row fell to or under its reorder point: the Warehouse group was emailed once. The alert stays open
    while the row is low and is closed when it is above its point again; the next crossing opens a new one."""

    stock = models.ForeignKey("inventory.Stock", verbose_name=_("stock level"), related_name="+",
                              on_delete=models.CASCADE)
    variant = models.ForeignKey("catalog.ProductVariant", verbose_name=_("SKU"), related_name="+",
                                on_delete=models.CASCADE)
    location = models.ForeignKey("inventory.StockLocation", verbose_name=_("location"), related_name="+",
                                 on_delete=models.CASCADE)
    available = models.IntegerField(_("available when it crossed"))
    reorder_point = models.PositiveIntegerField(_("reorder point"))
    opened_at = models.DateTimeField(_("crossed"), auto_now_add=True)
    closed_at = models.DateTimeField(_("back above"), null=True, blank=True)

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        ordering = ["-opened_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["stock"], condition=Q(closed_at__isnull=True),
                                               name="low_stock_alert_one_open")]

    def __str__(self):
        return f"{self.stock_id} ≤ {self.reorder_point}"
