"""Carts, the rates a checkout needs (sales taxes, delivery methods) and orders with their timeline.

An order copies what it sold — SKU, name, unit price, tax rates and amounts — when it is placed, so later catalogue
or tax changes never alter it. Its stock is held through inventory.services.stock_reserve, recorded per line and
location in OrderAllocation so that it can be released or shipped exactly.
"""

from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


class TaxRate(models.Model):
    """A sales tax charged on deliveries to a province (GST, HST, PST, QST). Edited by staff when rates change."""

    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    name = models.CharField(_("name"), max_length=20, help_text=_("As printed on receipts, e.g. GST, HST, QST."))
    rate = models.DecimalField(
        _("rate (%)"), max_digits=6, decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    on_shipping = models.BooleanField(_("applies to shipping and handling"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sales tax rate")
        verbose_name_plural = _("sales tax rates")
        ordering = ["province", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="tax_one_rate_per_name")]

    def __str__(self):
        return f"{self.name} {self.rate}% ({self.province})"


class DeliveryMethod(models.Model):
    class Kind(models.TextChoices):
        SHIP = "ship", _("Delivered to the address")
        PICKUP = "pickup", _("Picked up in store")

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    class Level(models.TextChoices):
        REGULAR = "regular", _("Regular")
        EXPEDITED = "expedited", _("Expedited")
        OVERNIGHT = "overnight", _("Overnight")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHIP)
    carrier = models.ForeignKey("shipping.Carrier", verbose_name=_("carrier"), null=True, blank=True,
                                related_name="methods", on_delete=models.PROTECT)
    level = models.CharField(_("service level"), max_length=20, choices=Level.choices, blank=True)
    price = MoneyField(_("price (CAD)"), validators=[MinValueValidator(Decimal("0"))])
    handling_fee = MoneyField(
        _("handling and packaging fee (CAD)"), default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    pickup_location = models.ForeignKey(
        "inventory.StockLocation", verbose_name=_("pickup store"), null=True, blank=True, on_delete=models.PROTECT
    )
    days_min = models.PositiveIntegerField(_("business days, at the earliest"), default=2)
    days_max = models.PositiveIntegerField(_("business days, at the latest"), default=7)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery method")
        verbose_name_plural = _("delivery methods")
        ordering = ["position", "price"]

    def __str__(self):
        return self.name

    def label(self, language: str) -> str:
        return self.name_fr if language.startswith("fr") and self.name_fr else self.name


OPEN_TO_SHIP = ("received", "paid", "preparing")


class OrderQuerySet(models.QuerySet):
    def for_customer_list(self):
        return self.select_related("user").order_by("-created_at")

    def late(self, today=None):
        """Promised date passed and still not shipped."""
        from django.utils import timezone

        return self.filter(status__in=OPEN_TO_SHIP, promised_on__lt=today or timezone.localdate())


class Order(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PAID = "paid", _("Paid")
        PREPARING = "preparing", _("Being prepared")
        SHIPPED = "shipped", _("Shipped")
        # Store pickup (SPEC S6): the units are handed over from stock and wait at the store for the customer.
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Not paid in time")

    class PaymentMethod(models.TextChoices):
        CARD = "card", _("Credit card")
        CHEQUE = "cheque", _("Cheque")
        ACCOUNT = "account", _("On account (purchase order)")

    number = models.CharField(_("order number"), max_length=20, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer account"), null=True, blank=True,
        related_name="orders", on_delete=models.SET_NULL,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    language = models.CharField(_("language"), max_length=8, default="en")
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    ship_name = models.CharField(_("name"), max_length=120)
    ship_address = models.CharField(_("address"), max_length=200)
    ship_city = models.CharField(_("city"), max_length=100)
    ship_province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    ship_postal_code = models.CharField(_("postal code"), max_length=7)
    ship_country = models.CharField(_("country"), max_length=2, default="CA")
    delivery_method = models.ForeignKey(
        DeliveryMethod, verbose_name=_("delivery method"), related_name="orders", on_delete=models.PROTECT
    )
    delivery_label = models.CharField(_("delivery"), max_length=100)
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    purchase_order_number = models.CharField(_("purchase order number"), max_length=40, blank=True)
    ships_by = models.DateField(_("ships by"), null=True, blank=True)
    promised_on = models.DateField(_("delivery promised by"), null=True, blank=True, db_index=True)
    attention = models.CharField(
        _("needs staff attention"), max_length=255, blank=True,
        help_text=_("Set when something about the payment needs a person (amount mismatch, paid after expiry). "
                    "Clear it once handled."),
    )
    subtotal = MoneyField(_("items"))
    shipping = MoneyField(_("shipping"))
    handling = MoneyField(_("handling and packaging"))
    discount = MoneyField(_("discounts"), default=Decimal("0"),
                          help_text=_("Taken off the items before taxes (the lines' discounts add up to it)."))
    # The discount codes used, as the invoice names them (their uses, with the amounts: coupons.CouponRedemption).
    coupon_codes = models.CharField(_("discount codes"), max_length=250, blank=True)
    tax_total = MoneyField(_("taxes"))
    total = MoneyField(_("total"))
    # Store pickup (shipping.services.pickups): when it was ready at the store, when the one reminder went, when it
    # was collected and the name of the person who collected it.
    pickup_ready_at = models.DateTimeField(_("ready for pickup since"), null=True, blank=True, db_index=True)
    pickup_reminded_at = models.DateTimeField(_("pickup reminder sent"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    picked_up_by = models.CharField(_("picked up by"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("placed"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="order_status_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping") + models.F("handling")
                            - models.F("discount") + models.F("tax_total")),
                name="order_total_adds_up",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:order_detail", kwargs={"number": self.number}) + f"?t={self.access_token}"

    @property
    def access_token(self) -> str:
        """Proof, carried in emailed links, that whoever opens the order page was sent it."""
        return signing.Signer(salt="orders.access").sign(self.number).split(":", 1)[1]

    @property
    def is_late(self) -> bool:
        from django.utils import timezone

        return bool(self.promised_on and self.status in OPEN_TO_SHIP and self.promised_on < timezone.localdate())

    @property
    def awaits_card_payment(self) -> bool:
        return self.payment_method == self.PaymentMethod.CARD and self.status == self.Status.RECEIVED

    @property
    def is_cancellable(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.PAID, self.Status.PREPARING)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey("catalog.ProductVariant", related_name="order_lines", on_delete=models.PROTECT)
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("product"), max_length=250)
    unit_price = MoneyField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = MoneyField(_("line total"))
    # The part of the order's discount taken off this line (before taxes): the line sold for line_total - discount.
    discount = MoneyField(_("discount"), default=Decimal("0"))
    backordered = models.PositiveIntegerField(_("backordered"), default=0,
                                              help_text=_("Units not in stock when ordered, held as stock arrives."))
    # Made for this order (a quoted, made-to-order product): no stock is held for it, every unit ships once made.
    made_to_order = models.BooleanField(_("made to order"), default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(backordered__lte=F("quantity")), name="order_line_backorder_within"),
            models.CheckConstraint(condition=Q(discount__gte=0, discount__lte=F("line_total")),
                                   name="order_line_discount_within"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"


class OrderTaxLine(models.Model):
    order = models.ForeignKey(Order, related_name="tax_lines", on_delete=models.CASCADE)
    name = models.CharField(_("tax"), max_length=20)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    base = MoneyField(_("taxed amount"))
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} {self.rate}%"


class OrderAllocation(models.Model):
    """Units of an order line held at one stock location (what stock_reserve returned)."""

    line = models.ForeignKey(OrderLine, related_name="allocations", on_delete=models.CASCADE)
    stock = models.ForeignKey("inventory.Stock", related_name="+", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    released = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.quantity} @ stock {self.stock_id}"


class OrderEvent(models.Model):
    """One step of the order's timeline, as the customer and staff see it."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=20, choices=Order.Status.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order timeline")
        indexes = [
            # An order's first event of a status (the fulfilment dashboard's "paid at"), read from the index alone.
            models.Index(fields=["order", "status", "created_at", "id"], name="orderevent_order_status_first"),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.status}"
