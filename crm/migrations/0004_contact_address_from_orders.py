"""Contacts carry the city, province and postal code of their latest order (crm.services.contacts). Customer
contacts that have none yet take them from their latest delivered order, so segments by province find the customers
who ordered before this change. Contacts with any part of an address already (typed by staff or the customer) and
erased contacts are left alone; a pickup order's province is the store's, so only delivered orders are read. Until now
a contact's province could only come from its profile or from staff, never from an order: one already set counts as
chosen, so a later order to another province does not overwrite it."""

from django.db import migrations, models


def addresses_from_latest_orders(apps, schema_editor):
    Contact = apps.get_model("crm", "Contact")
    Order = apps.get_model("orders", "Order")
    Contact.objects.exclude(province="").update(province_chosen=True)
    empty = Contact.objects.filter(kind="customer", erased_at__isnull=True, city="", province="", postal_code="")
    by_user, by_email = {}, {}
    for pk, email, user_id in empty.values_list("pk", "email", "user_id").order_by("pk"):
        if user_id is not None:
            by_user[user_id] = pk
        if email:
            by_email.setdefault(email.strip().lower(), pk)
    if not by_user and not by_email:
        return
    found = {}
    orders = (Order.objects.filter(delivery_method__kind="ship").exclude(ship_province="")
              .order_by("-created_at", "-pk")
              .values_list("user_id", "email", "ship_city", "ship_province", "ship_postal_code"))
    for user_id, email, city, province, postal_code in orders.iterator(chunk_size=2000):
        contact_id = by_user.get(user_id) if user_id is not None else None
        if contact_id is None:
            contact_id = by_email.get((email or "").strip().lower())
        if contact_id is not None and contact_id not in found:  # newest first: the first seen is the latest
            found[contact_id] = (city[:100], province, postal_code[:7])
    for contact_id, (city, province, postal_code) in found.items():
        Contact.objects.filter(pk=contact_id).update(city=city, province=province, postal_code=postal_code)


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0003_money_in_cents'),
        ('orders', '0004_deliverymethod_carrier_deliverymethod_level_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='postal_code',
            field=models.CharField(blank=True, max_length=7, verbose_name='postal code'),
        ),
        migrations.AddField(
            model_name='contact',
            name='province_chosen',
            field=models.BooleanField(
                default=False, verbose_name='province chosen by the customer',
                help_text='Set when the customer gives their province in their profile: an order delivered to '
                          'another province then leaves the address alone. Otherwise each order updates it.'),
        ),
        migrations.RunPython(addresses_from_latest_orders, migrations.RunPython.noop),
    ]
