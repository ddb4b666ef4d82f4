# The cart moved from the orders app to checkout. Its tables stay as they are (orders_cart, orders_cartline): the
# models change app in Django's state only, so an existing shop's carts are untouched. Their content types follow,
# so permissions staff were given on carts stay attached.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("cart", "cartline"):
        if not ContentType.objects.filter(app_label="checkout", model=model).exists():
            ContentType.objects.filter(app_label="orders", model=model).update(app_label="checkout")


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("cart", "cartline"):
        if not ContentType.objects.filter(app_label="orders", model=model).exists():
            ContentType.objects.filter(app_label="checkout", model=model).update(app_label="orders")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0007_money_in_cents"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0005_money_in_cents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Cart",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("user", models.OneToOneField(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="cart", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "cart",
                        "verbose_name_plural": "carts",
                        "db_table": "orders_cart",
                    },
                ),
                migrations.CreateModel(
                    name="CartLine",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("quantity", models.PositiveIntegerField(
                            validators=[django.core.validators.MinValueValidator(1)])),
                        ("added_at", models.DateTimeField(auto_now_add=True)),
                        ("cart", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="lines",
                                                   to="checkout.cart")),
                        ("variant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                      to="catalog.productvariant")),
                    ],
                    options={
                        "db_table": "orders_cartline",
                        "ordering": ["added_at", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("cart", "variant"), name="cart_one_line_per_sku"),
                            models.CheckConstraint(condition=models.Q(("quantity__gte", 1)),
                                                   name="cart_line_quantity_positive"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
