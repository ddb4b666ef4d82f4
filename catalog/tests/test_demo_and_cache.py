import os

import pytest
from django.core.cache import caches
from django.core.management import call_command

from catalog import page_cache
from catalog.models import Product, ProductVariant
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


def test_a_version_bump_in_one_process_invalidates_pages_cached_by_another(redis_cache):
    from django.core.cache.backends.redis import RedisCache

    other_worker = RedisCache(redis_cache._servers[0], {"KEY_PREFIX": "comptoir-tests"})
    builds = []

    def build():
        builds.append(1)
        return {"main": f"render {len(builds)}"}

    first = page_cache.page_get_or_build(("product", 1, "en"), [page_cache.product_key(1)], build)
    again = page_cache.page_get_or_build(("product", 1, "en"), [page_cache.product_key(1)], build)
    other_worker.incr("v:" + page_cache.product_key(1))  # what stock_changed does, seen from another client
    after = page_cache.page_get_or_build(("product", 1, "en"), [page_cache.product_key(1)], build)

    assert (first, again, after) == ({"main": "render 1"}, {"main": "render 1"}, {"main": "render 2"})


def test_an_evicted_version_never_comes_back_with_an_old_value(redis_cache):
    [before] = page_cache.versions_get(["stock:product:7"])
    redis_cache.delete("v:stock:product:7")

    [after] = page_cache.versions_get(["stock:product:7"])

    assert after > before


def test_pages_are_still_served_when_the_cache_is_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}

    assert page_cache.page_get_or_build(("x",), ["catalog"], lambda: "rendered") == "rendered"
    page_cache.stock_changed(product_ids=[1], category_ids=[1])  # logged, not raised
