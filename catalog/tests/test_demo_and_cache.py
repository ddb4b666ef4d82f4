import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import CommandError, call_command

from catalog import page_cache
from catalog.models import Product, ProductVariant
from demo import seeds
from help.models import FaqEntry
from inventory.models import Stock, StockMovement
from pages.models import StoreHours


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_makes_a_browsable_shop(client):
    call_command("seed_demo", "--products", "30", "--no-images", verbosity=0)
    counts = (Product.objects.count(), ProductVariant.objects.count(), StockMovement.objects.count(),
              FaqEntry.objects.count(), StoreHours.objects.count())
    call_command("seed_demo", "--products", "30", "--no-images", verbosity=0)

    assert (Product.objects.count(), ProductVariant.objects.count(), StockMovement.objects.count(),
            FaqEntry.objects.count(), StoreHours.objects.count()) == counts
    assert counts[3] == 7 and counts[4] == 14  # a starter FAQ; a week of hours for each of the two stores
    assert "Où livrez-vous" in client.get("/fr/help/").content.decode()
    assert "<mark>livrez</mark>" in client.get("/fr/help/?q=livrez").content.decode()
    assert Product.objects.filter(sold_online=False).exists()
    assert Stock.objects.filter(location__kind="store").exists()
    product = Product.objects.online().filter(variants__sku="SKU-00001").get()
    assert client.get(product.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_loads_more_products_than_the_old_5000_cap_and_a_second_run_adds_nothing():
    call_command("seed_demo", "--products", "5001", "--no-images", verbosity=0)

    loaded = ProductVariant.objects.filter(sku__startswith="SKU-")
    assert loaded.count() == 5001
    assert Product.objects.online().filter(variants__sku="SKU-05001").get().name.endswith(" 05001")
    assert StockMovement.objects.filter(reference="CATALOGUE").count() == 5001

    out = io.StringIO()
    call_command("seed_demo", "--products", "5001", "--no-images", verbosity=0, stdout=out)

    assert "Standard catalogue products created: 0" in out.getvalue()
    assert loaded.count() == 5001


def _catalogue_without_a_count(size):
    """A catalogue module as the older generators were: products() takes no count and stops at N_PRODUCTS."""
    def products():
        for n in range(1, size + 1):
            yield {"n": n, "title": f"Old widget {n:05d}", "description": "Old.", "category_index": 0,
                   "sku": f"OLD-{n:05d}", "price": Decimal("1.00"), "num_in_stock": 1}

    return SimpleNamespace(N_PRODUCTS=size, CATEGORY_NAMES=["Books"], products=products, __file__="old.py")


@pytest.mark.django_db
def test_seed_demo_refuses_loudly_to_load_more_products_than_the_catalogue_can_make(monkeypatch):
    monkeypatch.setattr(seeds, "_catalogue_module", lambda: _catalogue_without_a_count(3))

    with pytest.raises(CommandError, match="has 3 products and cannot make more: 4 were asked for"):
        call_command("seed_demo", "--products", "4", "--no-images", verbosity=0)

    assert not ProductVariant.objects.filter(sku__startswith="OLD-").exists()
    call_command("seed_demo", "--products", "3", "--no-images", verbosity=0)
    assert ProductVariant.objects.filter(sku__startswith="OLD-").count() == 3


@pytest.fixture
def redis_cache(settings):
    """The cache gunicorn workers share in production: Redis (make test starts it)."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"{base}/9",
                    "KEY_PREFIX": "comptoir-tests"}
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def stock_changed_in_another_process(caches_setting, *, product_id: int) -> None:
    """What the inventory services do once a stock movement is committed (page_cache.stock_changed), done by another
    worker: a separate Python process that shares only the cache."""
    script = "\n".join([
        "import json, sys, django",
        "django.setup()",
        "from django.test import override_settings",
        "with override_settings(CACHES=json.loads(sys.argv[1])):",
        "    from catalog import page_cache",
        "    page_cache.stock_changed(product_ids=[int(sys.argv[2])], category_ids=[])",
    ])
    subprocess.run([sys.executable, "-c", script, json.dumps(caches_setting), str(product_id)], check=True,
                   cwd=django_settings.BASE_DIR, env={**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings_test"},
                   timeout=120)


def test_a_stock_movement_recorded_by_another_worker_refreshes_the_page_this_one_cached(
    redis_cache, settings, client, mug, warehouse
):
    url = mug.get_absolute_url()
    assert "Only 2 left" in client.get(url).content.decode()
    # Another worker sells one of the two mugs online: its write to the database (made here, in the test's
    # transaction, which that process could not see) ...
    Stock.objects.filter(variant__product=mug, location=warehouse).update(on_hand=1)
    assert "Only 2 left" in client.get(url).content.decode()  # this worker still serves its cached page
    # ... then, after its commit, the bump of the page versions, from its own process.
    stock_changed_in_another_process(settings.CACHES, product_id=mug.pk)

    html = client.get(url).content.decode()
    assert "Only 1 left" in html
    assert "Only 2 left" not in html


def evict_version_counters(settings) -> int:
    """What a full Redis may do with allkeys-random eviction: drop the version counters (the integers the cache
    holds: Django's Redis serializer stores an int as its digits) and keep the pages. Returns how many it dropped."""
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    counters = [key for key in server.scan_iter(match="comptoir-tests:*") if server.get(key).isdigit()]
    return server.delete(*counters) if counters else 0


def test_a_page_built_before_a_stock_movement_never_comes_back_after_the_cache_evicted_its_versions(
    redis_cache, settings
):
    builds = []

    def page(language):
        def build():
            builds.append(language)
            return f"{language} render {len(builds)}"

        return page_cache.page_get_or_build(("product", 7, language), [page_cache.product_key(7)], build)

    assert (page("en"), page("fr"), page("en")) == ("en render 1", "fr render 2", "en render 1")
    page_cache.stock_changed(product_ids=[7], category_ids=[])  # both pages are now out of date
    assert evict_version_counters(settings) == 2  # product 7's and the home page's (stock:all)

    # The French page is asked for first, so the product's version is read afresh before the English page is.
    assert (page("fr"), page("en")) == ("fr render 3", "en render 4")


def test_pages_are_still_served_when_the_cache_is_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}

    assert page_cache.page_get_or_build(("x",), ["catalog"], lambda: "rendered") == "rendered"
    page_cache.stock_changed(product_ids=[1], category_ids=[1])  # logged, not raised
