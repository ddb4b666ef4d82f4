"""CSV of stock levels per location (core.csv_io): out, one row per SKU and location; in, each row is a count of the
shelf, recorded through inventory.services.stock_correct as a count movement in the ledger, never written to the
stock row directly. A row whose count matches what is on record changes nothing (no movement)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from catalog.models import ProductVariant
from core.csv_io import CountWidget, LookupWidget, ShopResource

from . import services
from .models import Stock, StockLocation


class StockInstanceLoader(BaseInstanceLoader):
    """The stock rows of the file's SKUs at its locations, read in one query (the widgets are primed by then)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        variants = resource.fields["sku"].widget.cache or {}
        locations = resource.fields["location"].widget.cache or {}
        rows = Stock.objects.filter(variant__in=list(variants.values()), location__in=list(locations.values()))
        self.rows = {(s.variant_id, s.location_id): s
                     for s in rows.select_related("variant__product", "location")}

    def get_instance(self, row):
        variant = self.resource.fields["sku"].clean(row)
        location = self.resource.fields["location"].clean(row)
        return self.rows.get((variant.pk, location.pk))


class StockResource(ShopResource):
    sku = Field(attribute="variant", column_name="sku", widget=LookupWidget(
        ProductVariant, "sku", unknown=gettext_lazy("Unknown SKU “%(value)s”."), related=("product",)))
    location = Field(attribute="location", column_name="location", widget=LookupWidget(
        StockLocation, "code", also_by="name",
        unknown=gettext_lazy("Unknown location “%(value)s”: give a location's code (or its exact name).")))
    on_hand = Field(attribute="on_hand", column_name="on_hand", widget=CountWidget())
    product = Field(attribute="variant__product__name", column_name="product", readonly=True)
    location_name = Field(attribute="location__name", column_name="location_name", readonly=True)
    reserved = Field(attribute="reserved", column_name="reserved", readonly=True)

    class Meta(ShopResource.Meta):
        model = Stock
        name = gettext_lazy("Stock counts (SKU, location, on hand)")
        import_id_fields = ("sku", "location")
        fields = ("sku", "location", "on_hand", "product", "location_name", "reserved")
        export_order = fields
        instance_loader_class = StockInstanceLoader
        # The stock row's own checks (reserved within on hand) are the count service's to apply: a short count is
        # its business (issue 18), not the CSV's.
        clean_model_instances = False

    def get_queryset(self):
        return Stock.objects.select_related("variant__product", "location").order_by("variant__sku",
                                                                                    "location__code")

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        if instance.on_hand is None:
            raise ValidationError({"on_hand": _("Give the number of units counted on the shelf.")})
        try:
            services.stock_correct(variant=instance.variant, location=instance.location, counted=instance.on_hand,
                                   user=kwargs.get("user"), reason=self.reason(kwargs.get("file_name")))
        except services.StockError as error:
            raise ValidationError({"on_hand": str(error)}) from error
        self.after_save_instance(instance, row, **kwargs)

    @staticmethod
    def reason(file_name) -> str:
        return _("Stock count imported from %(file)s") % {"file": file_name} if file_name else _(
            "Stock count imported from a CSV file")
