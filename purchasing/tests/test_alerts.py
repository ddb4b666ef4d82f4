"""Low-stock alerts: the Warehouse group is emailed once per crossing of a stock row's reorder point."""

import pytest
from django.contrib.auth.models import Group

from inventory import services as stock_services
from inventory.models import Stock
from outbox.models import OutboxEmail
from purchasing.models import LowStockAlert
from purchasing.services.alerts import low_stock_alerts_check
from purchasing.tasks import low_stock_alerts

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse_team(django_user_model):
    group = Group.objects.get(name="Warehouse")
    for name in ("lea", "marc"):
        django_user_model.objects.create_user(name, f"{name}@comptoir.example", is_staff=True).groups.add(group)
    django_user_model.objects.create_user("gone", "gone@comptoir.example", is_staff=True,
                                          is_active=False).groups.add(group)
    django_user_model.objects.create_user("clerk", "clerk@comptoir.example", is_staff=True)


def test_one_email_per_crossing_not_again_until_it_goes_back_above_and_crosses_again(mug, warehouse,
                                                                                    warehouse_team):
    stock = Stock.objects.get(variant=mug, location=warehouse)
    stock_services.stock_reorder_set(stock_id=stock.pk, reorder_point=10, reorder_quantity=None)
    assert low_stock_alerts_check() == {"opened": 0, "closed": 0}  # 80 available

    stock_services.stock_sell_in_store(variant=mug, location=warehouse, quantity=70)  # 10 left: crossed
    assert low_stock_alerts() == {"opened": 1, "closed": 0}
    emails = OutboxEmail.objects.order_by("to")
    assert [e.to for e in emails] == ["lea@comptoir.example", "marc@comptoir.example"]
    assert emails[0].subject == "comptoir: 1 stock level at its reorder point"
    assert "MUG-1 Stoneware Mug at Calgary Warehouse: 10 available, reorder point 10" in emails[0].text_body

    stock_services.stock_sell_in_store(variant=mug, location=warehouse, quantity=5)  # lower still: no new email
    stock_services.stock_reserve(lines=[(mug.pk, 1)])
    assert low_stock_alerts_check() == {"opened": 0, "closed": 0}
    assert OutboxEmail.objects.count() == 2

    stock_services.stock_receive(variant=mug, location=warehouse, quantity=20)  # 24 available: back above
    assert low_stock_alerts_check() == {"opened": 0, "closed": 1}
    assert low_stock_alerts_check() == {"opened": 0, "closed": 0}

    stock_services.stock_sell_in_store(variant=mug, location=warehouse, quantity=20)  # 4: crossed again
    assert low_stock_alerts_check() == {"opened": 1, "closed": 0}
    assert OutboxEmail.objects.count() == 4
    assert [(a.available, a.closed_at is None) for a in LowStockAlert.objects.order_by("pk")] == [
        (10, False), (4, True)]
