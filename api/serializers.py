"""What the API sends and takes. Money is a string with two decimals ("24.00"), dates and times ISO 8601."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.models import Product, ProductVariant
from crm.models import Contact
from inventory.locations import StockLocation
from orders.models import Order, OrderEvent, OrderLine
from purchasing.models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine
from shipping.models import Carrier, Shipment, ShipmentLine


def money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


# --- catalogue -------------------------------------------------------------------------------------------------

class VariantSerializer(serializers.ModelSerializer):
    price = money(min_value=0)
    cost_price = money(min_value=0, required=False, allow_null=True)

    class Meta:
        model = ProductVariant
        fields = ["id", "product", "sku", "size", "colour", "price", "cost_price", "weight_grams", "length_cm",
                  "width_cm", "height_cm", "position", "is_active", "updated_at"]
        read_only_fields = ["updated_at"]


class ProductVariantInlineSerializer(serializers.ModelSerializer):
    price = money(read_only=True)

    class Meta:
        model = ProductVariant
        fields = ["id", "sku", "size", "colour", "price", "is_active"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    name_en = serializers.CharField(max_length=200)
    name_fr = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    description_fr = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    estimate_from = money(min_value=0, required=False, allow_null=True)
    estimate_to = money(min_value=0, required=False, allow_null=True)
    variants = ProductVariantInlineSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "category", "name_en", "name_fr", "slug", "description_en", "description_fr", "sold_online",
                  "is_active", "is_featured", "allow_backorder", "restock_expected_on", "made_to_order",
                  "estimate_from", "estimate_to", "estimate_note", "created_at", "updated_at", "variants"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        # The model's own rules (a made-to-order product needs an estimate...), on the product as it would be saved.
        product = Product(**{**self._current(), **attrs})
        try:
            product.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {name: getattr(self.instance, name) for name in ("made_to_order", "estimate_from", "estimate_to")}


# --- stock -----------------------------------------------------------------------------------------------------

class StockLevelSerializer(serializers.Serializer):
    """A SKU's stock at one location."""

    id = serializers.IntegerField()
    sku = serializers.CharField(source="variant.sku")
    variant = serializers.IntegerField(source="variant_id")
    location = serializers.CharField(source="location.code")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    reorder_point = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()


class LocationStockSerializer(serializers.Serializer):
    code = serializers.CharField(source="location.code")
    name = serializers.CharField(source="location.name")
    ships_online = serializers.BooleanField(source="location.ships_online")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()


class SkuStockSerializer(serializers.Serializer):
    """GET /stock/<sku>/: a SKU's stock per location and what is available online."""

    sku = serializers.CharField()
    product = serializers.CharField()
    online_available = serializers.IntegerField()
    locations = LocationStockSerializer(many=True)


class MovementSerializer(serializers.Serializer):
    """One line of the stock ledger."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    sku = serializers.CharField(source="variant.sku")
    location = serializers.CharField(source="location.code")
    quantity_change = serializers.IntegerField(source="on_hand_delta")
    on_hand = serializers.IntegerField(source="on_hand_after")
    reserved = serializers.IntegerField(source="reserved_after")
    available = serializers.SerializerMethodField()
    reference = serializers.CharField()
    unit_price = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField(source="created_at")

    def get_available(self, movement) -> int:
        return movement.on_hand_after - movement.reserved_after

    def get_unit_price(self, movement) -> str | None:
        return None if movement.unit_price is None else str(movement.unit_price)


class MovementCreateSerializer(serializers.Serializer):
    """What a point-of-sale system sends to record an in-store sale, a return or a receipt."""

    kind = serializers.ChoiceField(choices=["in_store_sale", "return", "receipt"])
    sku = serializers.CharField(max_length=64)
    location = serializers.CharField(max_length=100, help_text="The location's code, e.g. yyc.")
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    unit_price = money(min_value=0, required=False, allow_null=True, default=None,
                       help_text="In-store sales only: what the customer paid per unit before taxes (the catalogue "
                                 "price when left out).")

    def validate_sku(self, value):
        variant = ProductVariant.objects.select_related("product").filter(sku__iexact=value.strip()).first()
        if variant is None:
            raise serializers.ValidationError(_("No product has the SKU “%(sku)s”.") % {"sku": value.strip()})
        return variant

    def validate_location(self, value):
        location = StockLocation.objects.active().filter(code=value).first()
        if location is None:
            raise serializers.ValidationError(_("No active location has that code."))
        return location

    def validate(self, attrs):
        if attrs.get("unit_price") is not None and attrs.get("kind") != "in_store_sale":
            raise serializers.ValidationError(
                {"unit_price": [_("A price per unit is recorded with in-store sales only.")]})
        return attrs


# --- orders ----------------------------------------------------------------------------------------------------

class OrderLineSerializer(serializers.ModelSerializer):
    unit_price = money()
    line_total = money()
    discount = money()

    class Meta:
        model = OrderLine
        fields = ["id", "variant", "sku", "name", "unit_price", "quantity", "line_total", "discount", "backordered",
                  "made_to_order"]
        read_only_fields = fields


class ShipmentLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentLine
        fields = ["order_line", "quantity"]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    carrier = serializers.CharField(source="carrier.code", read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "carrier", "tracking_number", "shipped_at", "delivered_at", "lines"]
        read_only_fields = fields


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["status", "note", "created_at"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    subtotal = money()
    shipping = money()
    handling = money()
    discount = money()
    tax_total = money()
    total = money()
    lines = OrderLineSerializer(many=True, read_only=True)
    shipments = ShipmentSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["number", "status", "language", "email", "phone", "ship_name", "ship_address", "ship_city",
                  "ship_province", "ship_postal_code", "ship_country", "delivery_label", "payment_method",
                  "purchase_order_number", "ships_by", "promised_on", "attention", "subtotal", "shipping", "handling",
                  "discount", "coupon_codes", "tax_total", "total", "created_at", "updated_at", "lines", "shipments",
                  "events"]
        read_only_fields = fields


class OrderTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, help_text="The status the order moves to.")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ShipmentLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The order line's id.")
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class ShipmentCreateSerializer(serializers.Serializer):
    carrier = serializers.SlugRelatedField(slug_field="code", queryset=Carrier.objects.all(),
                                           help_text="The carrier's code.")
    tracking_number = serializers.CharField(max_length=100)
    lines = ShipmentLineInputSerializer(many=True, allow_empty=False)

    def validate_lines(self, value):
        quantities: dict[int, int] = {}
        for item in value:
            quantities[item["line"]] = quantities.get(item["line"], 0) + item["quantity"]
        return quantities


# --- customers -------------------------------------------------------------------------------------------------

class CustomerSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Contact
        fields = ["id", "name", "is_company", "company", "email", "phone", "city", "province", "postal_code",
                  "language", "user", "created_at", "updated_at", "erased_at"]
        read_only_fields = fields


# --- purchase orders -------------------------------------------------------------------------------------------

def _variant_by_sku(value: str) -> ProductVariant:
    variant = ProductVariant.objects.filter(sku__iexact=value.strip()).first()
    if variant is None:
        raise serializers.ValidationError(_("No product has the SKU “%(sku)s”.") % {"sku": value.strip()})
    return variant


def _active_location(value: str) -> StockLocation:
    location = StockLocation.objects.active().filter(code=value).first()
    if location is None:
        raise serializers.ValidationError(_("No active location has that code."))
    return location


class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku", read_only=True)
    unit_cost = money(read_only=True)
    line_total = money(read_only=True)
    quantity_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = ["id", "variant", "sku", "supplier_sku", "quantity_ordered", "quantity_received", "quantity_left",
                  "unit_cost", "line_total"]
        read_only_fields = fields


class PurchaseOrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurchaseOrderEvent
        fields = ["status", "note", "created_at"]
        read_only_fields = fields


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    location = serializers.CharField(source="location.code", read_only=True)
    total = money(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Its last change: when it was made or last "
                                                                     "moved (sent, received, cancelled).")
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)
    events = PurchaseOrderEventSerializer(many=True, read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "status", "supplier", "supplier_name", "location", "expected_on", "notes",
                  "created_at", "sent_at", "updated_at", "total", "lines", "events"]
        read_only_fields = fields


class PurchaseOrderLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_cost = money(min_value=0, required=False, allow_null=True, default=None,
                      help_text="Per unit, before taxes; the supplier's cost for this SKU when left out.")

    def validate_sku(self, value):
        return _variant_by_sku(value)


class PurchaseOrderCreateSerializer(serializers.Serializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.filter(kind=Contact.Kind.SUPPLIER),
                                                  help_text="The supplier's id (a CRM contact of kind supplier).")
    location = serializers.CharField(max_length=100, required=False,
                                     help_text="Where the goods are delivered: a location's code (the first location "
                                               "that ships online when left out).")
    expected_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="Today plus the supplier's lead time when left out.")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    lines = PurchaseOrderLineInputSerializer(many=True, allow_empty=False, max_length=500)

    def validate_location(self, value):
        return _active_location(value)

    def validate(self, attrs):
        if "location" not in attrs:
            attrs["location"] = StockLocation.objects.shipping_online().order_by("priority", "pk").first()
            if attrs["location"] is None:
                raise serializers.ValidationError({"location": [_("Give the location the goods are delivered to.")]})
        return attrs


class PurchaseOrderReceiveLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The purchase order line's id.")
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000, help_text="Units received now.")


class PurchaseOrderReceiveSerializer(serializers.Serializer):
    location = serializers.CharField(max_length=100, required=False,
                                     help_text="Where the goods were received: a location's code (the purchase "
                                               "order's delivery location when left out).")
    lines = PurchaseOrderReceiveLineSerializer(many=True, allow_empty=False, max_length=500)

    def validate_location(self, value):
        return _active_location(value)

    def validate_lines(self, value):
        quantities: dict[int, int] = {}
        for item in value:
            quantities[item["line"]] = quantities.get(item["line"], 0) + item["quantity"]
        return quantities
