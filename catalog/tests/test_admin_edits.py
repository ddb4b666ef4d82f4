"""A catalogue edit made in the admin shows on the shop's cached pages at once (README: "Cached pages are never
stale"): the shopper has already seen the product and category pages, so both are in the page cache, whole and as
fragments; staff then change a name, a price or a category, or delete products, through the admin's own forms.

The shopper is a fresh anonymous browser (no cookies), the visitor the whole-page cache serves."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """What a browser would post from the page's form: text, hidden and number inputs, ticked checkboxes, the
    selected option of each select (the first one if none is), textareas; not the inlines' empty template."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((name, a.get("value") or ""))
        elif tag == "select" and "__prefix__" not in name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value") or "")
            if "selected" in a:
                self._select[2].append(a.get("value") or "")
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, options, selected = self._select
            if name:
                self.data.extend((name, value) for value in (selected or options[:1]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def admin_save(browser: Client, url: str, **changes) -> None:
    """Open an admin change page, change some fields as a person would, press Save; the save must succeed."""
    page = browser.get(url)
    assert page.status_code == 200
    fields = _FormFields()
    fields.feed(page.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in fields.data:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    data["_save"] = ["Save"]
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def catalogue_manager(client, staff_in):
    client.force_login(staff_in("Catalogue managers"))
    return client


@pytest.fixture
def shopper():
    return Client()


def seen(shopper: Client, url: str) -> str:
    response = shopper.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_product_renamed_in_the_admin_shows_its_new_name_on_its_page_and_in_its_category(
    mug, shopper, catalogue_manager, django_capture_on_commit_callbacks
):
    product_url, category_url = mug.get_absolute_url(), mug.category.get_absolute_url()
    assert '<h1 class="h3">Stoneware Mug</h1>' in seen(shopper, product_url)
    assert "Stoneware Mug" in seen(shopper, category_url)

    with django_capture_on_commit_callbacks(execute=True):
        admin_save(catalogue_manager, reverse("admin:catalog_product_change", args=[mug.pk]),
                   name_en="Ceramic Travel Cup")

    product_page, category_page = seen(shopper, product_url), seen(shopper, category_url)
    assert '<h1 class="h3">Ceramic Travel Cup</h1>' in product_page
    assert "Ceramic Travel Cup" in category_page
    assert "Stoneware Mug" not in product_page and "Stoneware Mug" not in category_page


def test_a_price_changed_in_the_admin_shows_on_the_product_page_and_the_category_page(
    mug, shopper, catalogue_manager, django_capture_on_commit_callbacks
):
    product_url, category_url = mug.get_absolute_url(), mug.category.get_absolute_url()
    variant = mug.variants.get()
    assert '<p class="fs-4 mb-1">$18.00</p>' in seen(shopper, product_url)
    assert "$18.00" in seen(shopper, category_url)

    with django_capture_on_commit_callbacks(execute=True):
        admin_save(catalogue_manager, reverse("admin:catalog_productvariant_change", args=[variant.pk]),
                   price="21.50")

    product_page, category_page = seen(shopper, product_url), seen(shopper, category_url)
    assert '<p class="fs-4 mb-1">$21.50</p>' in product_page
    assert "$21.50" in category_page
    assert "$18.00" not in product_page and "$18.00" not in category_page


def test_a_category_renamed_in_the_admin_shows_on_its_page_and_in_the_product_breadcrumbs(
    mug, kitchen, shopper, catalogue_manager, django_capture_on_commit_callbacks
):
    product_url, category_url = mug.get_absolute_url(), kitchen.get_absolute_url()
    assert '<h1 class="h3">Kitchen</h1>' in seen(shopper, category_url)
    assert "Kitchen" in seen(shopper, product_url)

    with django_capture_on_commit_callbacks(execute=True):
        admin_save(catalogue_manager, reverse("admin:catalog_category_change", args=[kitchen.pk]),
                   name_en="Cookware")

    category_page, product_page = seen(shopper, category_url), seen(shopper, product_url)
    assert '<h1 class="h3">Cookware</h1>' in category_page
    assert "Cookware" in product_page
    assert "Kitchen" not in category_page and "Kitchen" not in product_page


@pytest.fixture
def teapots(kitchen):
    """Two products of the Kitchen category, never sold, so they may be deleted."""
    return [VariantFactory(sku=f"TEA-{n}", product__name=f"Enamel Teapot {n}", product__category=kitchen).product
            for n in (1, 2)]


def test_a_product_deleted_in_the_admin_leaves_its_category_page(
    mug, teapots, shopper, admin_client, django_capture_on_commit_callbacks
):
    category_url = mug.category.get_absolute_url()
    assert "Enamel Teapot 1" in seen(shopper, category_url)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_product_delete", args=[teapots[0].pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Product.objects.filter(pk=teapots[0].pk).exists()
    page = seen(shopper, category_url)
    assert "Enamel Teapot 1" not in page
    assert "Enamel Teapot 2" in page and "Stoneware Mug" in page


def test_products_deleted_together_from_the_admin_list_leave_their_category_page(
    mug, teapots, shopper, admin_client, django_capture_on_commit_callbacks
):
    category_url = mug.category.get_absolute_url()
    assert "Enamel Teapot 1" in seen(shopper, category_url)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_product_changelist"), {
            "action": "delete_selected", "_selected_action": [p.pk for p in teapots], "post": "yes"})

    assert response.status_code == 302
    assert not Product.objects.filter(pk__in=[p.pk for p in teapots]).exists()
    page = seen(shopper, category_url)
    assert "Enamel Teapot" not in page
    assert "Stoneware Mug" in page
