# The cart is the checkout app's now (checkout 0001): removed from the orders app's state only; its tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0005_money_in_cents"),
        ("checkout", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CartLine"),
                migrations.DeleteModel(name="Cart"),
            ],
        ),
    ]
