from django.db import migrations, models
from django.db.models import F


def english_from_original(apps, schema_editor):
    # The sizes and colours the shop had were written in English (as 0004_translations did for names).
    apps.get_model("catalog", "ProductVariant").objects.update(size_en=F("size"), colour_en=F("colour"))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0013_productvariant_updated_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='productvariant',
            name='colour_en',
            field=models.CharField(blank=True, max_length=40, null=True, verbose_name='colour'),
        ),
        migrations.AddField(
            model_name='productvariant',
            name='colour_fr',
            field=models.CharField(blank=True, max_length=40, null=True, verbose_name='colour'),
        ),
        migrations.AddField(
            model_name='productvariant',
            name='size_en',
            field=models.CharField(blank=True, max_length=40, null=True, verbose_name='size'),
        ),
        migrations.AddField(
            model_name='productvariant',
            name='size_fr',
            field=models.CharField(blank=True, max_length=40, null=True, verbose_name='size'),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
