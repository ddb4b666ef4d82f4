"""Orders placed before payments were tracked get their invoice: void if cancelled, paid if the order went past
"received" (staff marked it paid by hand then), open otherwise; due as the cheque policy says."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def invoices_create(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Invoice = apps.get_model("payments", "Invoice")
    invoices = []
    for order in Order.objects.filter(invoice__isnull=True).iterator():
        issued = timezone.localdate(order.created_at)
        if order.status == "cancelled":
            status, paid = "void", 0
        elif order.status == "received":
            status, paid = "open", 0
        else:
            status, paid = "paid", order.total
        invoices.append(Invoice(order=order, number=f"INV-{order.number}", amount=order.total, amount_paid=paid,
                                status=status, issued_on=issued,
                                due_on=issued + timedelta(days=settings.SHOP_CHEQUE_DUE_DAYS)))
    Invoice.objects.bulk_create(invoices, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("orders", "0003_order_attention_order_purchase_order_number_and_more")]

    operations = [migrations.RunPython(invoices_create, migrations.RunPython.noop)]
