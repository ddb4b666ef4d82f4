"""What a shopper downloads: pages gzipped (each visitor's CSRF token still their own), Bootstrap's CSS cut down to
what the pages use (`make css`), the home page at most 100 KB, and static files cached for good once hashed."""

import gzip
import io
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import CategoryFactory, VariantFactory
from core.middleware import TextGZipMiddleware
from inventory import services as stock_services
from orders.models import DeliveryMethod, TaxRate
from orders.rates import rates_and_delivery_seed

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
FULL_BOOTSTRAP = ROOT / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
BUILT_MARK = "/* Built by `make css`"
ALBERTA = {"email": "ana@example.com", "phone": "403-555-0101", "ship_name": "Ana Tremblay",
           "ship_address": "100 8 Ave SW", "ship_city": "Calgary", "ship_province": "AB",
           "ship_postal_code": "T2P 1J9", "payment_method": "cheque"}


@pytest.fixture
def canada(db):
    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")


@pytest.fixture
def full_home(warehouse):
    """The fullest home page: a dozen categories, 8 featured products and 8 newer ones, each in stock (so each card
    carries its add-to-cart form), with long names."""
    categories = [CategoryFactory(name=f"Kitchen, Dining and Outdoor Living {n}") for n in range(12)]
    variants = []
    for n in range(16):
        variant = VariantFactory(
            price=Decimal("1249.99"),
            product__name=f"Hand-thrown Stoneware Dinner Plate with Reactive Glaze, Set of Four, No. {n}",
            product__category=categories[n % 12], product__is_featured=n < 8,
        )
        stock_services.stock_receive(variant=variant, location=warehouse, quantity=3)
        variants.append(variant)
    return variants


def _classes(html: str) -> set[str]:
    return {name for value in re.findall(r'class="([^"]*)"', html) for name in value.split()}


def _selectors(css: str) -> dict[str, tuple[set[str], set[str], set[str]]]:
    """Each selector of a stylesheet (comments, declarations and at-rule preludes left out), with what an element
    must have for it to apply: the classes it names, the element names and the attributes."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = {}
    for prelude in re.findall(r"([^{}]+)\{", css):
        if prelude.lstrip().startswith("@"):
            continue
        for selector in re.split(r",(?![^(]*\))", prelude):  # commas inside :not(...) belong to the selector
            selector = selector.strip()
            bare = re.sub(r"::?[\w-]+", "", re.sub(r"\[[^\]]*\]", "", selector))  # no [attribute] nor :pseudo
            selectors[selector] = (set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", bare)),
                                   set(re.findall(r"(?<![\w.#-])([a-z][a-z0-9]*)", bare)),
                                   set(re.findall(r"\[([\w-]+)", selector)))
    return selectors


def _applies(needs, html: str, classes: set[str]) -> bool:
    """Whether a selector naming classes may match on the page: its classes, elements and attributes are there."""
    names, elements, attributes = needs
    return bool(names) and names <= classes and all(f"<{element}" in html for element in elements) and all(
        re.search(rf"\s{attribute}[\s=>/]", html) for attribute in attributes)


def _linked_assets(html: str) -> list[str]:
    """The stylesheets and scripts a page makes the browser download, as static paths."""
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert all(url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL) for url in urls), urls
    return [url.split(settings.STATIC_URL, 1)[1] for url in urls]


def _shop_pages(client, product, canada) -> dict[str, str]:
    """The shopper's pages, from the home page to the order, with a message, a form in error and the sign-in."""
    pages = {
        "home": "/",
        "category": product.category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": reverse("catalog:search") + "?q=stoneware",
        "site map": reverse("catalog:site_map"),
        "sign-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "contact": reverse("help:contact"),
    }
    html = {name: client.get(url).content.decode() for name, url in pages.items()}
    variant = product.variants.get()
    html["cart with a message"] = client.post(
        reverse("orders:cart_add"), {"variant": variant.pk, "quantity": 1}, follow=True).content.decode()
    html["checkout"] = client.get(reverse("orders:checkout")).content.decode()
    html["checkout in error"] = client.post(reverse("orders:checkout"), {"email": "not an email"}).content.decode()
    client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk})
    review = client.get(reverse("orders:checkout_review")).content.decode()
    html["review"] = review
    total = review.split('name="seen_total" value="')[1].split('"')[0]
    html["order"] = client.post(reverse("orders:checkout_place"), {"seen_total": total}, follow=True).content.decode()
    return html


def test_pages_link_the_built_bootstrap_and_it_styles_every_bootstrap_class_they_use(client, full_home, canada):
    """Every rule of the full Bootstrap whose classes are all on a page must be in the built file: one missing was
    purged by mistake, and `make css` must be taught to see the class."""
    assert FULL_BOOTSTRAP.exists(), f"{FULL_BOOTSTRAP} is missing: run `npm ci` (make test does it)"
    bootstrap = _selectors(FULL_BOOTSTRAP.read_text())
    built_css = Path(finders.find("css/bootstrap.css")).read_text()
    built = _selectors(built_css)

    pages = _shop_pages(client, full_home[0].product, canada)

    assert BUILT_MARK in built_css[:200]
    assert len(built_css) < len(FULL_BOOTSTRAP.read_text()) / 4
    missing = set()
    for name, html in pages.items():
        assert _linked_assets(html)[0] == "css/bootstrap.css", name
        used = _classes(html)
        missing |= {f"{selector} (on {name})" for selector, needs in bootstrap.items()
                    if selector not in built and _applies(needs, html, used)}
    assert not missing, "missing from static/css/bootstrap.css (run `make css`): " + ", ".join(sorted(missing))
    # The states and looks the shop relies on are among them: alerts, form errors, focus, the category pills.
    for selector in [".alert-success", ".form-control.is-invalid", ".invalid-feedback", ".btn-primary",
                     ".nav-pills .nav-link.active", ".visually-hidden-focusable:not(:focus):not(:focus-within)",
                     ".text-bg-warning", ".breadcrumb-item.active", ".form-control:focus"]:
        assert selector in built, selector


def test_the_committed_css_is_what_make_css_builds_from_the_templates_today():
    """A Bootstrap class added to a template, form or template tag without `make css` fails here, page or not."""
    script = ("const {PurgeCSS} = require('purgecss');"
              "new PurgeCSS().purge({...require('./purgecss.config.cjs'), output: undefined})"
              ".then(([result]) => process.stdout.write(JSON.stringify(result.css)));")
    built = subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    committed = Path(finders.find("css/bootstrap.css")).read_text()
    assert re.sub(r"/\* Built by .*?\*/", "", committed, count=1) == json.loads(built), "run `make css`"


def test_the_home_page_with_its_css_and_scripts_weighs_at_most_100_kb(client, full_home):
    html = client.get("/").content

    assets = {path: Path(finders.find(path)).stat().st_size for path in _linked_assets(html.decode())}

    assert html.count(b'class="card h-100 product-card"') == 16
    total = len(html) + sum(assets.values())
    assert total <= 100_000, f"{total} bytes: HTML {len(html)}, {assets}"


def test_pages_are_gzipped_only_for_browsers_that_accept_it(full_home):
    browser = Client()

    plain = browser.get("/")
    zipped = browser.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in zipped["Vary"]
    assert len(zipped.content) < len(plain.content) / 4
    assert b"Hand-thrown Stoneware" in gzip.decompress(zipped.content)


def test_a_cached_page_gzipped_carries_each_visitors_own_csrf_token(full_home, django_assert_num_queries):
    variant = full_home[0]
    ana, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    ana_page = gzip.decompress(ana.get("/", HTTP_ACCEPT_ENCODING="gzip").content).decode()

    with django_assert_num_queries(0):  # the whole page comes from the cache
        bob_response = bob.get("/", HTTP_ACCEPT_ENCODING="gzip")
    bob_page = gzip.decompress(bob_response.content).decode()

    ana_token = ana_page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    bob_token = bob_page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "__comptoir_csrf_token__" not in ana_page + bob_page
    add = {"variant": variant.pk, "quantity": 1}
    assert bob.post(reverse("orders:cart_add"), {**add, "csrfmiddlewaretoken": ana_token}).status_code == 403
    assert bob.post(reverse("orders:cart_add"), {**add, "csrfmiddlewaretoken": bob_token}).status_code == 302
    assert ana.post(reverse("orders:cart_add"), {**add, "csrfmiddlewaretoken": ana_token}).status_code == 302


def test_a_cached_page_is_not_compressed_again_for_each_visitor(full_home, monkeypatch):
    """Its gzip is made once, when it is cached: each visitor's copy is those bytes around their own token, as the
    browser unpacks it, every placeholder filled, and no bigger than compressing the page for them would make it."""
    import core.middleware

    Client().get("/", HTTP_ACCEPT_ENCODING="gzip")  # cached now
    monkeypatch.setattr(core.middleware, "_compress", None)  # calling it would fail the request

    visitors = [Client() for _ in range(3)]
    pages = [visitor.get("/", HTTP_ACCEPT_ENCODING="gzip") for visitor in visitors]

    html = [gzip.decompress(page.content) for page in pages]
    tokens = [re.findall(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page) for page in html]
    assert all(len(set(found)) == 1 and len(found) == html[0].count(b"csrfmiddlewaretoken") > 1 for found in tokens)
    assert len({found[0] for found in tokens}) == 3  # each visitor's own
    assert html[1] == html[0].replace(tokens[0][0], tokens[1][0])
    assert len(pages[0].content) <= len(gzip.compress(html[0], compresslevel=1)) + 100  # + the BREACH padding


def test_pictures_are_sent_as_they_are_not_gzipped_again(rf):
    """Uploaded pictures (served by Django under `make run`) are compressed already: gzip would cost CPU for
    nothing."""
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 4000
    gzip_middleware = TextGZipMiddleware(lambda request: FileResponse(io.BytesIO(jpeg), content_type="image/jpeg"))

    response = gzip_middleware(rf.get("/media/products/mug.jpg", HTTP_ACCEPT_ENCODING="gzip"))

    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == jpeg


def test_hashed_static_files_are_cached_for_ten_years_and_unhashed_ones_for_a_minute(settings, tmp_path, full_home):
    """As in production: collectstatic with the compressed manifest storage, WhiteNoise serving STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]  # the shop's own files
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    browser = Client()

    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', browser.get("/").content.decode())
    hashed = [browser.get(url, HTTP_ACCEPT_ENCODING="gzip") for url in stylesheets]
    unhashed = browser.get(settings.STATIC_URL.rstrip("/") + "/css/bootstrap.css")

    assert [re.sub(r"\.[0-9a-f]{12}\.", ".<hash>.", url) for url in stylesheets] == [
        "/static/css/bootstrap.<hash>.css", "/static/css/shop.<hash>.css"]
    for response in hashed:
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert hashed[0]["Content-Encoding"] == "gzip"  # WhiteNoise's own .gz, made once by collectstatic
    assert unhashed.status_code == 200
    assert unhashed["Cache-Control"] == "max-age=60, public"


def test_with_the_page_cache_off_a_page_is_not_deflated_for_a_cache_that_keeps_nothing(full_home, settings,
                                                                                      monkeypatch):
    """SHOP_PAGE_CACHE=false renders every visit: the once-per-cached-page gzip would be work thrown away each time."""
    import catalog.page_cache

    settings.SHOP_PAGE_CACHE = False
    monkeypatch.setattr(catalog.page_cache, "gzip_parts", None)  # calling it would fail the request

    page = Client().get("/", HTTP_ACCEPT_ENCODING="gzip")

    assert page.status_code == 200 and b"Hand-thrown Stoneware" in gzip.decompress(page.content)
