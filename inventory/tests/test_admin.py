from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from inventory import services
from inventory.models import Stock, StockMovement

pytestmark = pytest.mark.django_db

STORE_STAFF = ["view_stock", "add_stockmovement", "view_stockmovement", "view_stocklocation"]


@pytest.fixture
def counter_staff(django_user_model, client):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="inventory", codename__in=STORE_STAFF))
    client.force_login(user)
    return user


def record(client, kind, **data):
    return client.post(reverse("admin:inventory_stock_record", args=[kind]), data, follow=True)


def test_staff_records_an_in_store_sale_and_the_ledger_says_who(client, counter_staff, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=3)

    response = record(client, "sale", variant="mug-1", location=store.pk, quantity=2, reference="TILL-88")

    assert "In-store sale recorded: MUG-1 at Calgary store, on hand now 1 (1 available)." in response.content.decode()
    movement = StockMovement.objects.get(kind=StockMovement.Kind.IN_STORE_SALE)
    assert (movement.on_hand_delta, movement.created_by, movement.reference) == (-2, counter_staff, "TILL-88")
    assert movement.unit_price == variant.price  # no price typed: the catalogue's


def test_a_sale_at_another_price_records_that_price_and_a_negative_one_is_refused(client, counter_staff, variant,
                                                                                    store):
    services.stock_receive(variant=variant, location=store, quantity=3)

    refused = record(client, "sale", variant="MUG-1", location=store.pk, quantity=1, unit_price="-1")
    record(client, "sale", variant="MUG-1", location=store.pk, quantity=1, unit_price="12.50")

    assert "Ensure this value is greater than or equal to 0." in refused.content.decode()
    assert list(StockMovement.objects.filter(kind=StockMovement.Kind.IN_STORE_SALE).values_list(
        "unit_price", flat=True)) == [Decimal("12.50")]


def test_staff_records_receipt_transfer_and_correction(client, counter_staff, variant, store, warehouse):
    record(client, "receipt", variant="MUG-1", location=warehouse.pk, quantity=10, reference="PO-1")
    record(client, "transfer", variant="MUG-1", source=warehouse.pk, destination=store.pk, quantity=4)
    record(client, "correction", variant="MUG-1", location=store.pk, counted=3, reason="one broken")

    assert Stock.objects.get(variant=variant, location=warehouse).on_hand == 6
    assert Stock.objects.get(variant=variant, location=store).on_hand == 3
    assert list(StockMovement.objects.order_by("pk").values_list("kind", flat=True)) == [
        "receipt", "transfer_out", "transfer_in", "correction"]


@pytest.mark.parametrize("counted, message", [
    ("-1", "A count cannot be negative."),
    ("abc", "Enter the number of units counted, as a whole number."),
    ("2.5", "Enter the number of units counted, as a whole number."),
    ("", "This field is required."),
])
def test_bad_count_corrections_show_a_form_error_and_leave_the_ledger_unchanged(
    client, counter_staff, variant, store, counted, message
):
    services.stock_receive(variant=variant, location=store, quantity=3)

    response = record(client, "correction", variant="MUG-1", location=store.pk, counted=counted, reason="x")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert StockMovement.objects.count() == 1
    assert Stock.objects.get().on_hand == 3


@pytest.mark.parametrize("data, message", [
    ({"variant": "NOPE", "quantity": "1"}, "No product has the SKU “NOPE”."),
    ({"variant": "MUG-1", "quantity": "0"}, "Ensure this value is greater than or equal to 1."),
    ({"variant": "MUG-1", "quantity": "99"}, "Only 3 units of MUG-1 are available at Calgary store."),
    ({"variant": "MUG-1", "quantity": "1e9"}, "Enter a whole number."),
])
def test_bad_in_store_sales_are_refused_with_a_clear_message(client, counter_staff, variant, store, data, message):
    services.stock_receive(variant=variant, location=store, quantity=3)

    response = record(client, "sale", location=store.pk, **data)

    assert message in response.content.decode()
    assert Stock.objects.get().on_hand == 3


def test_a_transfer_to_the_same_location_is_refused(client, counter_staff, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=3)

    response = record(client, "transfer", variant="MUG-1", source=store.pk, destination=store.pk, quantity=1)

    assert "Choose a location different from the source." in response.content.decode()
    assert StockMovement.objects.count() == 1


def test_staff_without_the_stock_permission_cannot_record_movements(client, django_user_model, variant, store):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_stock"))
    client.force_login(user)

    response = client.post(reverse("admin:inventory_stock_record", args=["receipt"]),
                           {"variant": "MUG-1", "location": store.pk, "quantity": 5})

    assert response.status_code == 403
    assert not StockMovement.objects.exists()


def test_the_ledger_is_read_only_in_the_admin(admin_client, variant, store):
    movement = services.stock_receive(variant=variant, location=store, quantity=3)

    listing = admin_client.get(reverse("admin:inventory_stockmovement_changelist"))
    assert listing.status_code == 200 and "MUG-1" in listing.content.decode()
    assert admin_client.get(reverse("admin:inventory_stockmovement_add")).status_code == 403
    assert admin_client.post(reverse("admin:inventory_stockmovement_delete", args=[movement.pk]),
                             {"post": "yes"}).status_code == 403
    assert StockMovement.objects.count() == 1


def test_admin_lists_stock_and_product_pages_show_stock_per_location(admin_client, variant, store, warehouse):
    services.stock_receive(variant=variant, location=store, quantity=3)
    services.stock_receive(variant=variant, location=warehouse, quantity=7)

    stock_list = admin_client.get(reverse("admin:inventory_stock_changelist") + "?q=mug").content.decode()
    product_page = admin_client.get(reverse("admin:catalog_product_change", args=[variant.product_id]))

    assert "Record an in-store sale" in stock_list and "MUG-1" in stock_list
    assert product_page.status_code == 200
    assert "Calgary store" in product_page.content.decode() and "Warehouse" in product_page.content.decode()
