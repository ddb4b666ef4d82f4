"""What shoppers and counter staff do in a real browser, found by the labels, roles and text a person sees.

Each test makes its own data (factories and inventory.services) for the live server; nothing is shared.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services
from inventory.models import Stock, StockMovement
from inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "counter-pw-123"


@pytest.fixture
def store_staff(django_user_model):
    """A counter clerk in the ready-made "Store staff" group (every database has it after migrate)."""
    user = django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Store staff"))
    return user


def admin_log_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def open_stock_operation(page: Page, operation: str) -> None:
    """From the admin home: Inventory › Stock levels, then one of the operation buttons."""
    page.get_by_role("table", name="Warehouse").get_by_role("link", name="Stock levels").click()
    expect(page.get_by_role("heading", name="Select stock level to view")).to_be_visible()
    page.get_by_role("link", name=operation).click()
    expect(page.get_by_role("heading", name=operation)).to_be_visible()


def product_cards(page: Page):
    return page.get_by_role("main").get_by_role("article")


def test_an_in_store_sale_of_the_last_unit_shows_out_of_stock_online_on_the_product_page(
    page: Page, new_context, store_staff
):
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    mug = VariantFactory(sku="MUG-1", price=Decimal("18.00"), product__name="Stoneware Mug",
                         product__slug="stoneware-mug", product__category=kitchen)
    warehouse = WarehouseFactory(name="Calgary Warehouse", code="wh", priority=0)
    # A store that also fulfils online orders: its shelf counts online, and a sale at its counter takes from it.
    kensington = LocationFactory(name="Kensington store", code="yyc", ships_online=True, priority=10)
    whyte = LocationFactory(name="Whyte Avenue store", code="yeg", ships_online=False, priority=20)
    services.stock_receive(variant=mug, location=warehouse, quantity=1)
    services.stock_reserve(lines=[(mug.pk, 1)], reference="ORDER-1")  # the warehouse's only unit is spoken for
    services.stock_receive(variant=mug, location=kensington, quantity=1)  # the last unit sellable online
    services.stock_receive(variant=mug, location=whyte, quantity=2)  # in store only

    # A visitor finds the mug through the menu.
    page.goto("/")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Kitchen", exact=True).click()
    expect(page.get_by_role("heading", name="Kitchen", level=1)).to_be_visible()
    expect(product_cards(page)).to_contain_text(["Stoneware Mug A good product. $18.00 Only 1 left"])
    product_cards(page).get_by_role("link", name="Stoneware Mug").click()

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Stoneware Mug", level=1)).to_be_visible()
    expect(main.get_by_text("$18.00", exact=True)).to_be_visible()
    expect(main.get_by_text("Only 1 left", exact=True)).to_be_visible()
    expect(main.get_by_text(
        "Available in stores: Kensington store, Whyte Avenue store", exact=True
    )).to_be_visible()
    expect(main.get_by_text("SKU: MUG-1", exact=True)).to_be_visible()

    # A clerk at the Kensington counter sells that unit.
    staff_page = new_context().new_page()
    admin_log_in(staff_page, store_staff)
    open_stock_operation(staff_page, "Record an in-store sale")
    staff_page.get_by_label("SKU").fill("mug-1")  # typed as the clerk reads it; SKUs match in any case
    staff_page.get_by_label("Store").select_option(label="Kensington store")
    staff_page.get_by_label("Quantity").fill("1")
    staff_page.get_by_label("Reference").fill("TILL-42")
    staff_page.get_by_role("button", name="Record").click()
    expect(staff_page.get_by_text(
        "In-store sale recorded: MUG-1 at Kensington store, on hand now 0 (0 available).", exact=True
    )).to_be_visible()

    # The shopper looks again: nothing left to ship, the other store still has some.
    page.reload()
    expect(main.get_by_text("Out of stock online", exact=True)).to_be_visible()
    expect(main.get_by_text("Only 1 left")).to_have_count(0)
    expect(main.get_by_text("Available in store: Whyte Avenue store", exact=True)).to_be_visible()
    expect(main.get_by_text("Kensington store")).to_have_count(0)
    expect(main.get_by_text("$18.00", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Kitchen").click()
    expect(product_cards(page)).to_contain_text(["Stoneware Mug A good product. $18.00 Out of stock online"])

    sale = StockMovement.objects.get(kind=StockMovement.Kind.IN_STORE_SALE)
    assert (sale.location, sale.on_hand_delta, sale.created_by, sale.reference) == (
        kensington, -1, store_staff, "TILL-42")


def test_a_category_sorts_by_price_and_pages_with_next(page: Page, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 2
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    warehouse = WarehouseFactory()
    for name, price in [("Apron", "30.00"), ("Bread board", "1250.50"), ("Cup", "8.00"), ("Dish", "25.00"),
                        ("Egg cup", "4.99")]:
        variant = VariantFactory(price=Decimal(price), product__name=name, product__category=kitchen)
        services.stock_receive(variant=variant, location=warehouse, quantity=10)

    page.goto("/")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Kitchen", exact=True).click()
    expect(page.get_by_text("5 products", exact=True)).to_be_visible()
    expect(product_cards(page).get_by_role("heading")).to_have_text(["Apron", "Bread board"])  # by name first

    page.get_by_label("Sort by").select_option(label="Price (low to high)")
    page.get_by_role("button", name="Sort", exact=True).click()
    expect(page.get_by_label("Sort by")).to_have_value("price")
    expect(product_cards(page)).to_contain_text([
        "Egg cup A good product. $4.99 In stock",
        "Cup A good product. $8.00 In stock",
    ])
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.get_by_role("link", name="Previous")).to_have_count(0)

    pages.get_by_role("link", name="Next").click()
    expect(product_cards(page)).to_contain_text([
        "Dish A good product. $25.00 In stock",
        "Apron A good product. $30.00 In stock",
    ])
    expect(pages.locator("[aria-current=page]")).to_have_text("2")

    pages.get_by_role("link", name="Next").click()
    expect(product_cards(page)).to_contain_text(["Bread board A good product. $1,250.50 In stock"])
    expect(pages.get_by_role("link", name="Next")).to_have_count(0)
    expect(page.get_by_label("Sort by")).to_have_value("price")  # the order is kept while paging


@pytest.mark.parametrize("path", ["/products/no-such-mug-987654/", "/products/not-even-a-product-address/"])
def test_an_unknown_product_address_shows_page_not_found_with_a_way_home(page: Page, path):
    CategoryFactory(name="Kitchen", slug="kitchen")

    response = page.goto(path)

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    page.get_by_role("link", name="Back to the home page").click()
    expect(page.get_by_role("heading", name="Welcome", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def test_a_store_only_product_never_appears_online(page: Page):
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    warehouse = WarehouseFactory()
    online = VariantFactory(price=Decimal("18.00"), product__name="Stoneware Mug", product__category=kitchen)
    store_only = VariantFactory(price=Decimal("45.00"), product__name="Cast Iron Pan", product__slug="cast-iron-pan",
                                product__category=kitchen, product__sold_online=False)
    for variant in (online, store_only):  # both in stock where online orders ship from
        services.stock_receive(variant=variant, location=warehouse, quantity=3)

    page.goto("/")
    new_arrivals = page.get_by_role("region", name="New arrivals")
    expect(new_arrivals.get_by_role("heading", level=3)).to_have_text(["Stoneware Mug"])
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Kitchen", exact=True).click()
    expect(page.get_by_text("1 product", exact=True)).to_be_visible()
    expect(product_cards(page).get_by_role("heading")).to_have_text(["Stoneware Mug"])
    expect(page.get_by_text("Cast Iron Pan")).to_have_count(0)

    response = page.goto(store_only.product.get_absolute_url())

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_text("Cast Iron Pan")).to_have_count(0)


def test_a_negative_count_correction_is_refused_and_the_ledger_is_unchanged(page: Page, store_staff):
    mug = VariantFactory(sku="MUG-1", product__name="Stoneware Mug")
    store = LocationFactory(name="Kensington store", code="yyc")
    services.stock_receive(variant=mug, location=store, quantity=3, reference="PO-7")

    admin_log_in(page, store_staff)
    open_stock_operation(page, "Record a count correction")
    page.get_by_label("SKU").fill("MUG-1")
    page.get_by_label("Location").select_option(label="Kensington store")
    page.get_by_label("Units counted on the shelf").fill("-2")
    page.get_by_label("Reason").fill("shelf count")
    page.get_by_role("button", name="Record").click()

    expect(page.get_by_role("alert")).to_have_text("Please correct the errors below.")
    expect(page.get_by_text("A count cannot be negative.", exact=True)).to_be_visible()
    expect(page.get_by_label("Units counted on the shelf")).to_have_value("-2")  # what was typed is kept

    page.get_by_role("navigation", name="Sidebar").get_by_role("link", name="Stock movements (ledger)").click()
    expect(page.get_by_role("navigation", name="Pagination stock movements (ledger)")).to_contain_text(
        re.compile(r"(^|\s)1 stock movement\s*$"))
    rows = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="kind")).get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the receipt
    expect(rows.nth(1)).to_contain_text("Receipt from supplier")
    expect(rows.nth(1)).to_contain_text("PO-7")
    assert StockMovement.objects.count() == 1
    assert Stock.objects.get(variant=mug, location=store).on_hand == 3


def test_the_browser_tab_names_the_page_then_the_shop(page: Page):
    mug = VariantFactory(product__name="Stoneware Mug", product__slug="stoneware-mug").product

    titles = []
    for path in ["/", mug.get_absolute_url(), "/products/no-such-mug-987654/"]:
        page.goto(path)  # waits for the load event: the title is final
        titles.append(page.title())

    assert titles == ["comptoir", "Stoneware Mug · comptoir", "Page not found · comptoir"]


def test_a_shopper_switches_to_french_and_keeps_browsing_in_french(page: Page, warehouse, store):
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    mug = VariantFactory(sku="MUG-FR", price=Decimal("1234.50"), product__name="Stoneware Mug",
                         product__category=kitchen)
    services.stock_receive(variant=mug, location=warehouse, quantity=2)
    services.stock_receive(variant=mug, location=store, quantity=4)

    page.goto(mug.product.get_absolute_url())
    expect(page.get_by_text("Only 2 left", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Language").get_by_role("link", name="français").click()

    expect(page).to_have_url(re.compile(r"/fr/products/"))
    main = page.get_by_role("main")
    expect(main.get_by_text("1\u00a0234,50\u00a0$", exact=True)).to_be_visible()
    expect(main.get_by_text("Plus que 2", exact=True)).to_be_visible()
    expect(main.get_by_text("Disponible en magasin : Calgary store", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link", name="Kitchen").click()
    expect(page).to_have_url(re.compile(r"/fr/category/kitchen-"))
    expect(page.get_by_label("Trier par")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
