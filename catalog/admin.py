from django.contrib import admin
from django.db.models import Max, Min
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.admin_base import ChangeHookMixin
from core.csv_io import ShopImportExportMixin

from . import page_cache
from .models import Category, Product, ProductImage, ProductVariant
from .resources import ProductResource, VariantResource

# inventory's Stock, reached through the SKU's relation: catalog imports no app above it.
Stock = ProductVariant.stocks.rel.related_model


class CatalogChangeMixin(ChangeHookMixin):
    """Any catalogue edit made in the admin refreshes the cached pages once the edit is committed."""

    changed = staticmethod(page_cache.catalog_changed)


@admin.register(Category)
class CategoryAdmin(CatalogChangeMixin, TranslationAdmin):
    list_display = ["name", "parent", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    list_editable = ["position", "is_active"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class VariantInline(TranslationTabularInline):
    model = ProductVariant
    extra = 0
    min_num = 1
    fields = ["sku", "size", "colour", "price", "cost_price", "weight_grams", "length_cm", "width_cm", "height_cm",
              "position", "is_active"]


class ImageInline(TranslationTabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk or not obj.thumbnail_small:
            return "—"
        return format_html('<img src="{}" alt="" width="80">', obj.small_url)


@admin.register(Product)
class ProductAdmin(ShopImportExportMixin, CatalogChangeMixin, TranslationAdmin):
    resource_classes = [ProductResource]
    list_display = ["name", "category", "price_range", "sold_online", "is_featured", "is_active", "updated_at"]
    list_filter = ["sold_online", "is_active", "is_featured", "category"]
    list_editable = ["sold_online", "is_featured"]
    search_fields = ["name_en", "name_fr", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name_en"]}
    list_select_related = ["category"]
    readonly_fields = ["stock_by_location"]
    inlines = [VariantInline, ImageInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description"]}),
        (_("Where it is sold"), {"fields": ["sold_online", "is_featured", "is_active"]}),
        (_("Made to order"), {"fields": ["made_to_order", "estimate_from", "estimate_to", "estimate_note"]}),
        (_("Stock"), {"fields": ["stock_by_location"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.annotate(min_price=Min("variants__price"), max_price=Max("variants__price"))

    @admin.display(description=_("price (CAD)"), ordering="min_price")
    def price_range(self, obj):
        if obj.min_price is None:
            return "—"
        return obj.min_price if obj.min_price == obj.max_price else f"{obj.min_price} – {obj.max_price}"

    @admin.display(description=_("stock per location (on hand / reserved)"))
    def stock_by_location(self, obj):
        if not obj.pk:
            return "—"
        rows = (
            Stock.objects.filter(variant__product=obj)
            .select_related("variant", "location")
            .order_by("variant__position", "variant_id", "location__priority")
        )
        if not rows:
            return _("No stock recorded yet. Use Inventory › Stock levels to record a receipt.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("SKU"), _("location"), _("on hand"), _("reserved"),
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((s.variant.sku, s.location.name, s.on_hand, s.reserved) for s in rows),
            ),
        )


class StockInline(admin.TabularInline):
    """Stock of a SKU at each location; read-only here — changes go through the stock operation forms."""

    model = Stock
    extra = 0
    fields = ["location", "on_hand", "reserved"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProductVariant)
class ProductVariantAdmin(ShopImportExportMixin, CatalogChangeMixin, TranslationAdmin):
    resource_classes = [VariantResource]
    list_display = ["sku", "product", "size", "colour", "price", "cost_price", "is_active"]
    list_filter = ["is_active", "product__category", "product__sold_online"]
    search_fields = ["sku", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    inlines = [StockInline]
