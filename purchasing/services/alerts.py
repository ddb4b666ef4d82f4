"""Low-stock alerts: the Warehouse group is emailed once each time a stock row's units available fall to or under
its reorder point.

A job every 10 minutes compares the low rows (inventory.selectors.stock_low, as the admin's "low stock" filter)
with the open LowStockAlert rows: a low row without an open alert has just crossed (an alert is opened and one email
sent); an open alert whose row is no longer low (received, counted up, point lowered or removed) is closed, so the
next crossing alerts again. Nothing inside inventory.services has to know about it, and a crossing and recovery
between two runs goes unnoticed, which is what "once per crossing" wants for a reorder reminder."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.selectors import stock_low_rows
from outbox.services import email_queue_rendered

from ..models import LowStockAlert

ALERT_GROUP = "Warehouse"  # staff.roles.WAREHOUSE (staff sits above this app)


def _recipients() -> list[str]:
    users = (get_user_model().objects.filter(groups__name=ALERT_GROUP, is_active=True, is_staff=True)
             .exclude(email="").order_by("pk").values_list("email", flat=True).distinct())
    return list(dict.fromkeys(users))


def low_stock_alerts_check() -> dict:
    """Open an alert (and email the Warehouse group once) for each row that crossed; close those that recovered."""
    low = {row.stock_id: row for row in stock_low_rows()}
    with transaction.atomic():
        open_alerts = {a.stock_id: a for a in LowStockAlert.objects.select_for_update().filter(closed_at__isnull=True)}
        recovered = [a.pk for stock_id, a in open_alerts.items() if stock_id not in low]
        LowStockAlert.objects.filter(pk__in=recovered).update(closed_at=timezone.now())
        crossed = [row for stock_id, row in sorted(low.items()) if stock_id not in open_alerts]
        if not crossed:
            return {"opened": 0, "closed": len(recovered)}
        try:
            with transaction.atomic():
                LowStockAlert.objects.bulk_create([
                    LowStockAlert(stock_id=row.stock_id, variant_id=row.variant_id, location_id=row.location_id,
                                  available=row.available, reorder_point=row.reorder_point) for row in crossed])
        except IntegrityError:  # another run opened them meanwhile: it sends the email
            return {"opened": 0, "closed": len(recovered)}
        for email in _recipients():
            email_queue_rendered(to=email, template="emails/purchasing/low_stock", language=settings.LANGUAGE_CODE,
                                 reference="low-stock", context={"rows": crossed})
    return {"opened": len(crossed), "closed": len(recovered)}
