from django.db import migrations, models
from django.db.models import F


def english_from_original(apps, schema_editor):
    apps.get_model("catalog", "ProductImage").objects.update(alt_text_en=F("alt_text"))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_translations'),
    ]

    operations = [
        migrations.AddField(
            model_name='productimage',
            name='alt_text_en',
            field=models.CharField(blank=True, help_text='Describes the picture for screen readers.', max_length=200, null=True, verbose_name='text alternative'),
        ),
        migrations.AddField(
            model_name='productimage',
            name='alt_text_fr',
            field=models.CharField(blank=True, help_text='Describes the picture for screen readers.', max_length=200, null=True, verbose_name='text alternative'),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
