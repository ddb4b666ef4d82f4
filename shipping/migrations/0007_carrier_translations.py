from django.db import migrations, models
from django.db.models import F

# The French names of the carriers 0002 seeded, where French writes them differently (Purolator and FedEx do not).
FRENCH = {("canada-post", "Canada Post"): "Postes Canada"}


def english_from_original(apps, schema_editor):
    # The carriers' names were written in English; a seeded carrier staff have not renamed gets its French name.
    Carrier = apps.get_model("shipping", "Carrier")
    Carrier.objects.update(name_en=F("name"))
    for (code, english), french in FRENCH.items():
        Carrier.objects.filter(code=code, name=english, name_fr__isnull=True).update(name_fr=french)


class Migration(migrations.Migration):

    dependencies = [
        ('shipping', '0006_pickup_store_assignment'),
    ]

    operations = [
        migrations.AddField(
            model_name='carrier',
            name='name_en',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='carrier',
            name='name_fr',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.RunPython(english_from_original, migrations.RunPython.noop),
    ]
