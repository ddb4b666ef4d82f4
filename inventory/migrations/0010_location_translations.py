from django.db import migrations, models
from django.db.models import F


def english_from_original(apps, schema_editor):
    # The locations' names and hours summaries were written in English.
    apps.get_model("inventory", "StockLocation").objects.update(name_en=F("name"),
                                                                opening_hours_en=F("opening_hours"))


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0009_stock_reorder_quantity'),
    ]

    operations = [
        migrations.AddField(
            model_name='stocklocation',
            name='name_en',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stocklocation',
            name='name_fr',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stocklocation',
            name='opening_hours_en',
            field=models.CharField(blank=True, help_text='A short summary; the stores page shows the hours set day by day below.', max_length=200, null=True, verbose_name='opening hours'),
        ),
        migrations.AddField(
            model_name='stocklocation',
            name='opening_hours_fr',
            field=models.CharField(blank=True, help_text='A short summary; the stores page shows the hours set day by day below.', max_length=200, null=True, verbose_name='opening hours'),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
