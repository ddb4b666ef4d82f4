"""Idempotency-Key on every write: a retry returns the first answer and does nothing twice; the same key with
another body is refused with 422 and does nothing."""

import datetime

import pytest
from django.utils import timezone

from api import services
from api.models import IdempotencyKey
from catalog.models import Product
from orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def teapot(mug, **overrides):
    return {"category": mug.product.category_id, "name_en": "Teapot", "slug": "teapot", **overrides}


def test_a_retried_create_returns_the_first_answer_and_creates_one_product(api, key_in, mug):
    key = key_in("Catalogue managers")

    first = api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key="po-1")
    retry = api("post", "/api/v1/products/", key=key, body=dict(reversed(teapot(mug).items())),
                idempotency_key="po-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Product.objects.filter(name_en="Teapot").count() == 1


def test_the_same_key_with_another_body_is_refused_with_422_and_does_nothing(api, key_in, mug):
    key = key_in("Catalogue managers")
    api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key="po-2")

    reused = api("post", "/api/v1/products/", key=key, body=teapot(mug, name_en="Cup", slug="cup"),
                 idempotency_key="po-2")

    assert reused.status_code == 422
    assert reused.json() == {"error": "This Idempotency-Key was already used for a different request, so nothing "
                                      "was done. Send a new key for a new request."}
    assert not Product.objects.filter(name_en="Cup").exists()


def test_a_retried_status_move_is_done_once(api, key_in, mug, paid_order):
    key = key_in("Managers")
    order = paid_order((mug, 1))
    path = f"/api/v1/orders/{order.number}/transition/"

    first = api("post", path, key=key, body={"status": "preparing"}, idempotency_key="move-1")
    retry = api("post", path, key=key, body={"status": "preparing"}, idempotency_key="move-1")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json()
    assert OrderEvent.objects.filter(order=order, status="preparing").count() == 1


def test_keys_belong_to_their_user(api, staff_in, mug):
    from .conftest import key_for

    one, other = key_for(staff_in("Catalogue managers")), key_for(staff_in("Managers", username="boss"))

    first = api("post", "/api/v1/products/", key=one, body=teapot(mug), idempotency_key="shared")
    second = api("post", "/api/v1/products/", key=other, body=teapot(mug), idempotency_key="shared")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_a_write_without_a_usable_key_is_refused_with_400(api, key_in, mug):
    key = key_in("Catalogue managers")

    missing = api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key=None)
    too_long = api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key="k" * 65)
    odd = api("patch", f"/api/v1/variants/{mug.pk}/", key=key, body={"price": "1.00"}, idempotency_key="reçu")

    assert (missing.status_code, too_long.status_code, odd.status_code) == (400, 400, 400)
    assert missing.json() == {"error": "The Idempotency-Key header is required: a unique id for this write, so that "
                                       "a retried request is done once."}
    assert not Product.objects.filter(name_en="Teapot").exists()


def test_a_failed_write_is_not_remembered_so_the_corrected_request_may_use_the_same_key(api, key_in, mug):
    key = key_in("Catalogue managers")

    refused = api("post", "/api/v1/products/", key=key, body=teapot(mug, name_en=""), idempotency_key="po-3")
    corrected = api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key="po-3")

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert refused.json()["fields"] == {"name_en": ["This field may not be blank."]}


def test_a_key_is_kept_a_day_then_forgotten(api, key_in, mug):
    key = key_in("Catalogue managers")
    api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key="po-4")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    assert services.idempotency_keys_purge() == 1
    again = api("post", "/api/v1/products/", key=key, body=teapot(mug, slug="teapot-2"), idempotency_key="po-4")

    assert again.status_code == 201
    assert Product.objects.filter(name_en="Teapot").count() == 2


def test_a_key_whose_first_request_still_runs_is_told_to_wait(api, key_in, mug, django_user_model):
    key = key_in("Catalogue managers")
    user = django_user_model.objects.get(username="catalogue-managers")
    IdempotencyKey.objects.create(user=user, key="po-5", fingerprint="x")  # claimed, no answer yet

    response = api("post", "/api/v1/products/", key=key, body=teapot(mug), idempotency_key="po-5")

    assert response.status_code in (409, 422)
    assert not Product.objects.filter(name_en="Teapot").exists()
