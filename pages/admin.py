from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from catalog import page_cache
from inventory.locations import StockLocation

from .models import NewsItem, Page, StoreHours


class StoreHoursInline(admin.TabularInline):
    """Opening hours, day by day, on the stock location's page (below)."""

    model = StoreHours
    fields = ["weekday", "opens", "closes", "closed"]
    max_num = 7
    verbose_name = _("opening hours for a day")
    verbose_name_plural = _("opening hours (a day left out is a closed day)")

    def get_extra(self, request, obj=None, **kwargs):
        return 7 - (obj.hours.count() if obj and obj.pk else 0)


# The stock location's page (still under Inventory › Stock locations) is registered here, with the opening hours
# that pages owns: inventory, below pages, does not import it.
@admin.register(StockLocation)
class StockLocationAdmin(TranslationAdmin):
    """Name and opening-hours summary in English and French (inventory.translation): shoppers read both."""

    list_display = ["name", "code", "kind", "ships_online", "city", "priority", "shown_on_site", "is_active"]
    list_filter = ["kind", "ships_online", "shown_on_site", "is_active"]
    search_fields = ["name_en", "name_fr", "code", "city"]
    prepopulated_fields = {"code": ["name_en"]}
    inlines = [StoreHoursInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Which locations ship online changes what every product page says.
        transaction.on_commit(page_cache.catalog_changed)


@admin.register(Page)
class PageAdmin(TranslationAdmin):
    list_display = ["title", "section", "slug", "is_published", "position", "updated_at"]
    list_display_links = ["title"]
    list_editable = ["is_published", "position"]
    list_filter = ["section", "is_published"]
    search_fields = ["title_en", "title_fr", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    ordering = ["section", "position", "pk"]
    fields = ["section", "title", "slug", "summary", "body", "is_published", "position"]


@admin.register(NewsItem)
class NewsItemAdmin(TranslationAdmin):
    list_display = ["title", "section", "published_on", "is_published"]
    list_filter = ["section", "is_published"]
    search_fields = ["title_en", "title_fr", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "published_on"
    fields = ["section", "title", "slug", "published_on", "summary", "body", "is_published"]
