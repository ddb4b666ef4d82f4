from django.db import migrations

from shipping.rates import shipping_seed


def seed(apps, schema_editor):
    shipping_seed(
        Carrier=apps.get_model("shipping", "Carrier"), Zone=apps.get_model("shipping", "Zone"),
        Rate=apps.get_model("shipping", "Rate"), DeliveryMethod=apps.get_model("orders", "DeliveryMethod"),
        FulfilmentCapacity=apps.get_model("shipping", "FulfilmentCapacity"),
        Holiday=apps.get_model("shipping", "Holiday"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0001_initial"),
        ("orders", "0004_deliverymethod_carrier_deliverymethod_level_and_more"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
