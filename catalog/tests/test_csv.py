"""CSV of products and variants (issue 18, I8): export -> import changes nothing, bad rows are refused row by row and
nothing is written, English and French texts survive the trip, and only catalogue managers see the buttons."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Product, ProductVariant
from catalog.resources import ProductResource, VariantResource
from catalog.tests.factories import CategoryFactory, VariantFactory
from conftest import STAFF_PASSWORD
from core.csv_io import csv_export, csv_import, row_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    mug = VariantFactory(sku="MUG-1", price=Decimal("18.00"), cost_price=Decimal("7.25"), size="M",
                         product__name_en="Stoneware Mug", product__name_fr="Tasse en grès",
                         product__description_en="Hand-thrown, “glazed”, 350 ml.",
                         product__description_fr="Tournée à la main, émaillée; 350 ml.",
                         product__slug="stoneware-mug", product__category=kitchen).product
    VariantFactory(sku="MUG-2", product=mug, price=Decimal("1234.50"), size="L")
    VariantFactory(sku="KETTLE-1", price=Decimal("89.99"), product__name="Kettle", product__slug="kettle",
                   product__category=kitchen)
    return mug


def _snapshot():
    products = list(Product.objects.order_by("slug").values(
        "slug", "category_id", "name_en", "name_fr", "description_en", "description_fr", "sold_online", "is_active",
        "updated_at"))
    variants = list(ProductVariant.objects.order_by("sku").values(
        "sku", "product_id", "size", "colour", "price", "cost_price", "weight_grams", "length_cm", "position"))
    return products, variants


def test_export_then_import_changes_nothing_and_the_preview_says_so(catalogue):
    before = _snapshot()
    products_csv, variants_csv = csv_export(ProductResource()), csv_export(VariantResource())

    for resource, text in ((ProductResource(), products_csv), (VariantResource(), variants_csv)):
        preview = csv_import(resource, text, dry_run=True)
        assert not preview.has_errors() and not preview.has_validation_errors()
        assert {row.import_type for row in preview.rows} == {"skip"}  # every row: no change
        assert preview.totals["skip"] == len(preview.rows)
        done = csv_import(resource, text, dry_run=False)
        assert done.totals["update"] == done.totals["new"] == 0

    assert _snapshot() == before


def test_exports_open_in_a_spreadsheet_bom_every_field_quoted_amounts_with_a_point(catalogue, settings):
    settings.LANGUAGE_CODE = "fr"
    from django.utils import translation

    with translation.override("fr"):
        text = csv_export(VariantResource())
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == ('"sku","product","size","colour","price","cost_price","weight_grams","length_cm",'
                        '"width_cm","height_cm","position","is_active"')
    mug2 = next(line for line in lines if line.startswith('"MUG-2"'))
    assert mug2 == '"MUG-2","stoneware-mug","L","","1234.50","","0","0.0","0.0","0.0","0","1"'
    assert '"MUG-1","stoneware-mug","M","","18.00","7.25"' in text


def test_english_and_french_names_and_descriptions_round_trip(catalogue):
    text = csv_export(ProductResource())
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    mug = next(r for r in rows if r["slug"] == "stoneware-mug")
    assert (mug["name_en"], mug["name_fr"]) == ("Stoneware Mug", "Tasse en grès")
    assert mug["description_fr"] == "Tournée à la main, émaillée; 350 ml."

    Product.objects.all().delete()
    result = csv_import(ProductResource(), text, dry_run=False)

    assert result.totals["new"] == 2 and not result.has_validation_errors()
    mug = Product.objects.get(slug="stoneware-mug")
    assert (mug.name_en, mug.name_fr) == ("Stoneware Mug", "Tasse en grès")
    assert (mug.description_en, mug.description_fr) == ("Hand-thrown, “glazed”, 350 ml.",
                                                         "Tournée à la main, émaillée; 350 ml.")
    assert mug.category.slug == "kitchen"


VARIANTS_HEADER = "sku,product,size,price,cost_price\r\n"


def test_bad_rows_are_named_in_plain_words_and_nothing_is_written(catalogue):
    text = VARIANTS_HEADER + (
        "MUG-1,stoneware-mug,M,19.00,7.25\r\n"  # a good change
        "NEW-1,stoneware-mug,S,12,\r\n"  # a good new SKU
        "MUG-2,stoneware-mug,L,12;50,\r\n"  # bad decimal
        "TEA-1,teapot,,30.00,\r\n"  # unknown product
        "KETTLE-1,kettle,,-5.00,\r\n"  # negative price
        "NEW-2,kettle,,1.999,\r\n"  # three decimals
        "new-1,kettle,,3.00,\r\n"  # the same SKU twice in the file
    )

    for dry_run in (True, False):
        result = csv_import(VariantResource(), text, dry_run=dry_run)
        assert row_errors(result) == [
            (2, "sku: Duplicate: “NEW-1” is on rows 2, 7 of the file; keep one row per sku."),
            (3, "price: “12;50” is not an amount: write it with a point and at most two decimals, without a "
                "currency sign or thousands separator, e.g. 1234.50."),
            (4, "product: Unknown product “teapot”: give the slug (or the number) of an existing product."),
            (5, "price: “-5.00”: an amount cannot be negative."),
            (6, "price: “1.999” is not an amount: write it with a point and at most two decimals, without a "
                "currency sign or thousands separator, e.g. 1234.50."),
            (7, "sku: Duplicate: “new-1” is on rows 2, 7 of the file; keep one row per sku."),
        ]
    # the good row (row 1) was not written either: all or nothing
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("18.00")
    assert not ProductVariant.objects.filter(sku__iexact="NEW-1").exists()


def test_variants_import_by_product_slug_or_id_with_exact_prices(catalogue):
    kettle = Product.objects.get(slug="kettle")
    text = VARIANTS_HEADER + f"MUG-1,stoneware-mug,M,19.5,\r\nKETTLE-2,{kettle.pk},XL,120.00,60.10\r\n"

    preview = csv_import(VariantResource(), text, dry_run=True)
    assert [row.import_type for row in preview.rows] == ["update", "new"]
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("18.00")  # a preview writes nothing

    csv_import(VariantResource(), text, dry_run=False)
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("19.50")
    assert ProductVariant.objects.get(sku="MUG-1").cost_price is None  # the file's empty cell
    new = ProductVariant.objects.get(sku="KETTLE-2")
    assert (new.product, new.size, new.price, new.cost_price) == (kettle, "XL", Decimal("120.00"), Decimal("60.10"))


def test_an_unknown_category_is_a_row_error(catalogue):
    text = "slug,category,name_en,name_fr\r\nteapot,tea-things,Teapot,Théière\r\n"
    result = csv_import(ProductResource(), text, dry_run=False)
    assert row_errors(result) == [
        (1, "category: Unknown category “tea-things”: give the slug of an existing category.")]
    assert not Product.objects.filter(slug="teapot").exists()


def _login(client, staff_in, group):
    user = staff_in(group)
    client.login(username=user.username, password=STAFF_PASSWORD)
    return user


def test_catalogue_managers_import_in_two_steps_preview_then_confirm(client, staff_in, catalogue):
    _login(client, staff_in, "Catalogue managers")
    changelist = client.get(reverse("admin:catalog_productvariant_changelist")).content.decode()
    assert reverse("admin:catalog_productvariant_import") in changelist
    assert reverse("admin:catalog_productvariant_export") in changelist
    upload = SimpleUploadedFile("variants.csv", ("\ufeff" + VARIANTS_HEADER + "MUG-1,stoneware-mug,M,21.00,7.25\r\n")
                                .encode(), content_type="text/csv")

    preview = client.post(reverse("admin:catalog_productvariant_import"), {"format": 0, "import_file": upload,
                                                                            "resource": 0})

    page = preview.content.decode()
    assert preview.status_code == 200 and "Confirm import" in page
    assert "MUG-1" in page and "<del" in page and "<ins" in page  # the row's change, 18.00 -> 21.00
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("18.00")
    form = preview.context["confirm_form"]
    done = client.post(reverse("admin:catalog_productvariant_process_import"),
                       {**form.initial, "resource": form.initial.get("resource", 0)})
    assert done.status_code == 302
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("21.00")


@pytest.mark.parametrize("model", ["product", "productvariant"])
def test_store_staff_see_products_but_get_no_import_or_export(client, staff_in, catalogue, model):
    _login(client, staff_in, "Store staff")
    changelist = client.get(reverse(f"admin:catalog_{model}_changelist"))
    assert changelist.status_code == 200
    assert reverse(f"admin:catalog_{model}_import") not in changelist.content.decode()
    assert client.get(reverse(f"admin:catalog_{model}_import")).status_code == 403
    assert client.get(reverse(f"admin:catalog_{model}_export")).status_code == 403


def test_the_import_command_previews_then_imports_with_a_progress_bar(catalogue, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "variants.csv"
    path.write_text("\ufeff" + VARIANTS_HEADER + "MUG-1,stoneware-mug,M,25.00,7.25\r\n", encoding="utf-8")

    call_command("import_csv", "variants", str(path))
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("18.00")
    call_command("import_csv", "variants", str(path), "--confirm")
    assert ProductVariant.objects.get(sku="MUG-1").price == Decimal("25.00")
    out = capsys.readouterr()
    assert "new 0, changed 1, unchanged 0, bad rows 0" in out.out and "Imported." in out.out
    assert "1/1" in out.err  # tqdm's bar

    path.write_text(VARIANTS_HEADER + "MUG-1,teapot,M,25.00,\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_csv", "variants", str(path), "--confirm")
    assert "row 1: product: Unknown product “teapot”" in capsys.readouterr().out
