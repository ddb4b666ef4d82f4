from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import NewsItem, Page, StoreHours


class StoreHoursInline(admin.TabularInline):
    """Opening hours, day by day, on the stock location's page (inventory.admin)."""

    model = StoreHours
    fields = ["weekday", "opens", "closes", "closed"]
    max_num = 7
    verbose_name = _("opening hours for a day")
    verbose_name_plural = _("opening hours (a day left out is a closed day)")

    def get_extra(self, request, obj=None, **kwargs):
        return 7 - (obj.hours.count() if obj and obj.pk else 0)


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
