"""CSV import and export of products and variants (core.csv_io): products by slug, with their English and French
names and descriptions; variants by SKU, with their prices in CAD and their product by slug (or id)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from core.csv_io import (
    CountWidget,
    DecimalWidget,
    LookupWidget,
    MoneyWidget,
    ShopResource,
    TranslatedTextWidget,
    YesNoWidget,
)

from . import page_cache
from .models import Category, Product, ProductVariant


def _yes_no(name):
    return Field(attribute=name, column_name=name, widget=YesNoWidget())


def _translated(name):
    return Field(attribute=name, column_name=name, widget=TranslatedTextWidget())


class CatalogResource(ShopResource):
    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            transaction.on_commit(page_cache.catalog_changed)  # as an edit in the admin does


class ProductResource(CatalogResource):
    slug = Field(attribute="slug", column_name="slug")
    category = Field(attribute="category", column_name="category", widget=LookupWidget(
        Category, "slug", unknown=_("Unknown category “%(value)s”: give the slug of an existing category.")))
    sold_online = _yes_no("sold_online")
    is_active = _yes_no("is_active")
    is_featured = _yes_no("is_featured")
    allow_backorder = _yes_no("allow_backorder")
    made_to_order = _yes_no("made_to_order")
    estimate_from = Field(attribute="estimate_from", column_name="estimate_from", widget=MoneyWidget())
    estimate_to = Field(attribute="estimate_to", column_name="estimate_to", widget=MoneyWidget())
    restock_expected_on = Field(attribute="restock_expected_on", column_name="restock_expected_on",
                                widget=widgets.DateWidget(format="%Y-%m-%d"))
    name_en, name_fr = _translated("name_en"), _translated("name_fr")
    description_en, description_fr = _translated("description_en"), _translated("description_fr")
    estimate_note_en, estimate_note_fr = _translated("estimate_note_en"), _translated("estimate_note_fr")

    class Meta(ShopResource.Meta):
        model = Product
        name = _("Products (by slug)")
        import_id_fields = ("slug",)
        fields = ("slug", "category", "name_en", "name_fr", "description_en", "description_fr", "sold_online",
                  "is_active", "is_featured", "allow_backorder", "restock_expected_on", "made_to_order",
                  "estimate_from", "estimate_to", "estimate_note_en", "estimate_note_fr")
        export_order = fields

    def get_queryset(self):
        return Product.objects.select_related("category")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not instance.name_en and "name_en" not in errors:
            errors["name_en"] = [_("Every product needs an English name.")]
        super().validate_instance(instance, errors, validate_unique)


class VariantResource(CatalogResource):
    sku = Field(attribute="sku", column_name="sku")
    product = Field(attribute="product", column_name="product", widget=LookupWidget(
        Product, "slug", also_by_id=True,
        unknown=_("Unknown product “%(value)s”: give the slug (or the number) of an existing product.")))
    price = Field(attribute="price", column_name="price", widget=MoneyWidget())
    cost_price = Field(attribute="cost_price", column_name="cost_price", widget=MoneyWidget())
    weight_grams = Field(attribute="weight_grams", column_name="weight_grams", widget=CountWidget())
    length_cm = Field(attribute="length_cm", column_name="length_cm", widget=DecimalWidget(1))
    width_cm = Field(attribute="width_cm", column_name="width_cm", widget=DecimalWidget(1))
    height_cm = Field(attribute="height_cm", column_name="height_cm", widget=DecimalWidget(1))
    position = Field(attribute="position", column_name="position", widget=CountWidget())
    is_active = _yes_no("is_active")

    class Meta(ShopResource.Meta):
        model = ProductVariant
        name = _("Variants (by SKU)")
        import_id_fields = ("sku",)
        fields = ("sku", "product", "size", "colour", "price", "cost_price", "weight_grams", "length_cm",
                  "width_cm", "height_cm", "position", "is_active")
        export_order = fields

    def get_queryset(self):
        return ProductVariant.objects.select_related("product")
