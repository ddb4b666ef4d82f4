"""Stock levels in and out as CSV (issue 18, I8): each imported row is a count recorded by the count service, a
movement in the ledger; bad rows are refused row by row and nothing is written; counter staff import, catalogue
managers do not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from conftest import STAFF_PASSWORD
from core.csv_io import csv_export, csv_import, row_errors
from inventory import services
from inventory.models import Stock, StockMovement
from inventory.resources import StockResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelves(variant, warehouse, store):
    services.stock_receive(variant=variant, location=warehouse, quantity=10)
    services.stock_receive(variant=variant, location=store, quantity=4)
    services.stock_reserve(lines=[(variant.pk, 3)])  # 3 of the warehouse's units held for an online order
    return variant


def _levels():
    return sorted(Stock.objects.values_list("variant__sku", "location__code", "on_hand", "reserved"))


def test_stock_export_then_import_records_nothing(shelves):
    text = csv_export(StockResource())
    assert text.startswith("\ufeff")
    assert text.removeprefix("\ufeff").splitlines() == [
        '"sku","location","on_hand","product","location_name","reserved"',
        '"MUG-1","wh","10","Stoneware Mug","Calgary Warehouse","3"',
        '"MUG-1","yyc","4","Stoneware Mug","Calgary store","0"',
    ]
    movements, levels = StockMovement.objects.count(), _levels()

    preview = csv_import(StockResource(), text, dry_run=True)
    assert {row.import_type for row in preview.rows} == {"skip"}
    csv_import(StockResource(), text, dry_run=False)

    assert (StockMovement.objects.count(), _levels()) == (movements, levels)


def test_imported_counts_are_count_movements_in_the_ledger_with_who_and_the_file(shelves, django_user_model):
    clerk = django_user_model.objects.create_user("clerk")
    other = VariantFactory(sku="TEA-1")
    text = "sku,location,on_hand\r\nMUG-1,wh,12\r\nMUG-1,Calgary store,1\r\nTEA-1,yyc,6\r\n"

    preview = csv_import(StockResource(), text, dry_run=True, user=clerk, file_name="count.csv")
    assert [row.import_type for row in preview.rows] == ["update", "update", "new"]
    assert StockMovement.objects.filter(kind=StockMovement.Kind.CORRECTION).count() == 0  # a preview writes nothing

    csv_import(StockResource(), text, dry_run=False, user=clerk, file_name="count.csv")

    counts = StockMovement.objects.filter(kind=StockMovement.Kind.CORRECTION).order_by("pk")
    assert [(m.variant.sku, m.location.code, m.on_hand_delta, m.on_hand_after, m.created_by, m.reason)
            for m in counts] == [
        ("MUG-1", "wh", 2, 12, clerk, "Stock count imported from count.csv"),
        ("MUG-1", "yyc", -3, 1, clerk, "Stock count imported from count.csv"),
        ("TEA-1", "yyc", 6, 6, clerk, "Stock count imported from count.csv"),
    ]
    assert _levels() == [("MUG-1", "wh", 12, 3), ("MUG-1", "yyc", 1, 0), ("TEA-1", "yyc", 6, 0)]
    assert other.stocks.get().on_hand == 6


def test_bad_stock_rows_are_named_and_nothing_is_written(shelves):
    VariantFactory(sku="TEA-1")
    movements, levels = StockMovement.objects.count(), _levels()
    text = ("sku,location,on_hand\r\n"
            "MUG-1,yyc,8\r\n"  # good
            "NOPE-9,yyc,3\r\n"  # unknown SKU
            "MUG-1,mars,3\r\n"  # unknown location
            "MUG-1,wh,-2\r\n"  # negative
            "TEA-1,wh,2.5\r\n"  # not whole
            "mug-1,YYC,4\r\n")  # the same SKU and location twice

    for dry_run in (True, False):
        errors = row_errors(csv_import(StockResource(), text, dry_run=dry_run))
        assert errors == [
            (1, "variant: Duplicate: “MUG-1 / yyc” is on rows 1, 6 of the file; keep one row per sku."),
            (2, "variant: Unknown SKU “NOPE-9”."),
            (3, "location: Unknown location “mars”: give a location's code (or its exact name)."),
            (4, "on_hand: “-2”: this cannot be negative."),
            (5, "on_hand: “2.5” is not a whole number."),
            (6, "variant: Duplicate: “mug-1 / YYC” is on rows 1, 6 of the file; keep one row per sku."),
        ]
    assert (StockMovement.objects.count(), _levels()) == (movements, levels)


def _login(client, staff_in, group):
    user = staff_in(group)
    client.login(username=user.username, password=STAFF_PASSWORD)
    return user


def test_warehouse_staff_import_a_count_file_through_the_preview(client, staff_in, shelves):
    user = _login(client, staff_in, "Warehouse")
    page = client.get(reverse("admin:inventory_stock_changelist")).content.decode()
    assert reverse("admin:inventory_stock_import") in page and reverse("admin:inventory_stock_export") in page
    upload = SimpleUploadedFile("count.csv", b"sku,location,on_hand\r\nMUG-1,yyc,7\r\n", content_type="text/csv")

    preview = client.post(reverse("admin:inventory_stock_import"), {"format": 0, "import_file": upload})
    assert preview.status_code == 200 and "Confirm import" in preview.content.decode()
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.CORRECTION).exists()
    form = preview.context["confirm_form"]
    assert client.post(reverse("admin:inventory_stock_process_import"), form.initial).status_code == 302

    movement = StockMovement.objects.get(kind=StockMovement.Kind.CORRECTION)
    assert (movement.on_hand_delta, movement.on_hand_after, movement.created_by) == (3, 7, user)

    export = client.post(reverse("admin:inventory_stock_export"), {"format": 0, "resource": 0,
                                                                  **{f"stockresource_{f}": "on" for f in (
                                                                      "sku", "location", "on_hand")}})
    assert export.status_code == 200
    assert export.content.startswith(b"\xef\xbb\xbf\"sku\",\"location\",\"on_hand\"")


def test_catalogue_managers_see_stock_but_cannot_import_or_export_it(client, staff_in, shelves):
    _login(client, staff_in, "Catalogue managers")
    page = client.get(reverse("admin:inventory_stock_changelist"))
    assert page.status_code == 200 and reverse("admin:inventory_stock_import") not in page.content.decode()
    assert client.get(reverse("admin:inventory_stock_import")).status_code == 403
    assert client.get(reverse("admin:inventory_stock_export")).status_code == 403
