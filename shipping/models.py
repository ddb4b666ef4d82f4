"""Carriers, where and at what price they deliver, the fulfilment team's capacity, and shipments.

- A delivery method (orders.DeliveryMethod) is one carrier service: Canada Post Regular Parcel, Purolator Express…
  or a pickup in a store. A method with Rate rows is priced by destination zone and parcel weight; a method without
  rates keeps its flat price.
- A Zone is where a rate applies: provinces, or postal-code prefixes (forward sortation areas and their first
  letters), the most specific match winning. A destination no zone of a method covers is not served by it.
- FulfilmentCapacity (one row) and Holiday feed the promised delivery date (shipping.services.promise).
- A Shipment is one parcel handed to a carrier: some or all units of an order's lines, with a tracking number.
- Store pickup needs no shipment: a Pickup is an order picked up in store as the store's staff see it (a proxy of
  orders.Order with permissions of its own), and a StoreAssignment names the stores a staff member works at.
"""

import re
from datetime import time
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from orders.models import Order


@lru_cache(maxsize=4096)
def _codes(text: str) -> tuple[str, ...]:
    """"AB, bc" -> ("AB", "BC"); read for every zone on every priced page, so each text is parsed once."""
    return tuple(code.strip().upper().replace(" ", "") for code in text.split(",") if code.strip())


class Carrier(models.Model):
    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    tracking_url = models.CharField(
        _("tracking link"), max_length=300, blank=True,
        help_text=_("The carrier's tracking page, with {number} where the tracking number goes."),
    )
    tracking_pattern = models.CharField(
        _("tracking number format"), max_length=200, blank=True,
        help_text=_("A regular expression a tracking number must match, e.g. ^\\d{16}$."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.tracking_url and "{number}" not in self.tracking_url:
            raise ValidationError({"tracking_url": _("Put {number} where the tracking number goes.")})
        if self.tracking_pattern:
            try:
                re.compile(self.tracking_pattern)
            except re.error as error:
                raise ValidationError({"tracking_pattern": str(error)}) from error

    def tracking_link(self, number: str) -> str:
        from urllib.parse import quote

        return self.tracking_url.replace("{number}", quote(number, safe="")) if self.tracking_url else ""


class Zone(models.Model):
    name = models.CharField(_("name"), max_length=100)
    provinces = models.CharField(_("provinces and territories"), max_length=100, blank=True,
                                 help_text=_("Codes separated by commas, e.g. AB, BC."))
    postal_prefixes = models.CharField(
        _("postal code prefixes"), max_length=1000, blank=True,
        help_text=_("First letters of postal codes, separated by commas, e.g. X0A, X0B, T2P. They win over "
                    "provinces."),
    )

    class Meta:
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def province_codes(self) -> tuple[str, ...]:
        return _codes(self.provinces)

    @property
    def prefix_codes(self) -> tuple[str, ...]:
        return _codes(self.postal_prefixes)

    def specificity(self, *, province: str, postal_code: str) -> int:
        """0 when the destination is not in the zone; else higher for a closer match (a longer postal prefix
        beats a shorter one, any prefix beats a province)."""
        code = (postal_code or "").upper().replace(" ", "")
        prefix = max((len(p) for p in self.prefix_codes if code and code.startswith(p)), default=0)
        if prefix:
            return 10 + prefix
        return 1 if province and province.upper() in self.province_codes else 0


class Rate(models.Model):
    method = models.ForeignKey("orders.DeliveryMethod", verbose_name=_("delivery method"), related_name="rates",
                               on_delete=models.CASCADE)
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), related_name="rates", on_delete=models.PROTECT)
    max_weight_kg = models.DecimalField(_("up to (kg)"), max_digits=7, decimal_places=3,
                                        validators=[MinValueValidator(Decimal("0.001"))])
    price = MoneyField(_("price (CAD)"), validators=[MinValueValidator(Decimal("0"))])
    transit_days = models.PositiveIntegerField(_("transit (business days)"), default=3)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["method", "zone", "max_weight_kg"]
        constraints = [
            models.UniqueConstraint(fields=["method", "zone", "max_weight_kg"], name="rate_one_price_per_step"),
            models.CheckConstraint(condition=Q(price__gte=0), name="rate_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.method} · {self.zone} · ≤ {self.max_weight_kg} kg"


class FulfilmentCapacity(models.Model):
    """How many orders the team packs a day, and when the day's last orders must be in. One row (pk=1)."""

    staff_hours_per_day = models.DecimalField(_("staff hours per working day"), max_digits=5, decimal_places=2,
                                              default=Decimal("8"), validators=[MinValueValidator(Decimal("0.25"))])
    minutes_per_order = models.PositiveIntegerField(_("minutes to pick and pack an order"), default=12,
                                                    validators=[MinValueValidator(1)])
    working_days = models.CharField(_("working days"), max_length=20, default="0,1,2,3,4",
                                    help_text=_("0 = Monday … 6 = Sunday, separated by commas."))
    cutoff = models.TimeField(_("order cut-off time"), default=time(14, 0),
                              help_text=_("Orders placed after this time (shop time) start the next working day."))

    class Meta:
        verbose_name = _("fulfilment capacity")
        verbose_name_plural = _("fulfilment capacity")

    def __str__(self):
        return str(_("Fulfilment capacity"))

    @property
    def weekdays(self) -> set[int]:
        return {int(d) for d in self.working_days.split(",") if d.strip().isdigit() and int(d) < 7}

    @property
    def orders_per_day(self) -> int:
        return max(1, int(self.staff_hours_per_day * 60 // self.minutes_per_order))

    @classmethod
    def current(cls) -> "FulfilmentCapacity":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Holiday(models.Model):
    """A day neither the team nor the carriers work (statutory holidays)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class Shipment(models.Model):
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), related_name="shipments",
                              on_delete=models.PROTECT)
    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), related_name="shipments",
                                on_delete=models.PROTECT)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    shipped_at = models.DateTimeField(_("shipped"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["shipped_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["carrier", "tracking_number"],
                                               name="shipment_tracking_once_per_carrier")]
        indexes = [
            # An order's first parcel (the fulfilment dashboard's time to ship), read from the index alone; and the
            # parcels that left in a date range.
            models.Index(fields=["order", "shipped_at", "id"], name="shipment_order_first"),
            models.Index(fields=["shipped_at"], name="shipment_shipped_at"),
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"

    @property
    def tracking_link(self) -> str:
        return self.carrier.tracking_link(self.tracking_number)


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey("orders.OrderLine", related_name="shipment_lines", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} × {self.order_line_id}"


class BackInStockRequest(models.Model):
    """"Email me when it is back": one pending request per address and SKU, notified once."""

    variant = models.ForeignKey("catalog.ProductVariant", verbose_name=_("SKU"), related_name="back_in_stock",
                                on_delete=models.CASCADE)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("back-in-stock request")
        verbose_name_plural = _("back-in-stock requests")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["variant", "email"], condition=Q(notified_at__isnull=True),
                                               name="back_in_stock_one_pending_per_email")]

    def __str__(self):
        return f"{self.email} · {self.variant_id}"


class StoreAssignment(models.Model):
    """A staff member works at a store: they see and hand over that store's pickups. One row per person and store;
    Managers (and superusers) see every store's pickups without one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"),
                             related_name="store_assignments", on_delete=models.CASCADE)
    location = models.ForeignKey("inventory.StockLocation", verbose_name=_("store"), related_name="assignments",
                                 on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("store assignment")
        verbose_name_plural = _("store assignments")
        ordering = ["location", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "location"], name="store_assignment_once")]

    def __str__(self):
        return f"{self.user} @ {self.location}"


class Pickup(Order):
    """An order picked up in store, as the store's staff work on it (shipping.admin_pickups)."""

    class Meta:
        proxy = True
        verbose_name = _("pickup")
        verbose_name_plural = _("pickups")
