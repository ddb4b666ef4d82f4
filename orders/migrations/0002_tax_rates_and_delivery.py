from django.db import migrations

from orders.rates import rates_and_delivery_seed


def seed(apps, schema_editor):
    rates_and_delivery_seed(apps.get_model("orders", "TaxRate"), apps.get_model("orders", "DeliveryMethod"))


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
