"""Starter pages and a press release in English and French, and default hours for the stores already there."""

from django.db import migrations


def forwards(apps, schema_editor):
    from pages.seed import hours_seed, pages_seed

    Page = apps.get_model("pages", "Page")
    NewsItem = apps.get_model("pages", "NewsItem")
    StoreHours = apps.get_model("pages", "StoreHours")
    StockLocation = apps.get_model("inventory", "StockLocation")
    pages_seed(Page=Page, NewsItem=NewsItem)
    for location in StockLocation.objects.filter(kind="store"):
        hours_seed(location=location, StoreHours=StoreHours)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("inventory", "0004_store_contact_and_listing"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
