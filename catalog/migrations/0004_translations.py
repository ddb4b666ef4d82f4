from django.db import migrations, models
from django.db.models import F


def english_from_original(apps, schema_editor):
    # What the shop had before translations was written in English.
    for name in ("Category", "Product"):
        apps.get_model("catalog", name).objects.update(name_en=F("name"), description_en=F("description"))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_product_allow_backorder_product_restock_expected_on'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='category',
            name='description_fr',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='category',
            name='name_en',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='category',
            name='name_fr',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='product',
            name='description_fr',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='product',
            name='name_en',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='name_fr',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['category', 'name_en'], name='product_category_name-en'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['category', 'name_fr'], name='product_category_name-fr'),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
