"""The point-of-sale API: a till records sales, returns and receipts against the one stock."""

import json
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from inventory import services
from inventory.models import ApiToken, Stock, StockMovement
from inventory.selectors import availability_by_variant

pytestmark = pytest.mark.django_db

URL = "/api/v1/stock/movements/"
NEW_KEY = object()  # post() sends a fresh Idempotency-Key unless told which one (None: no header at all)


@pytest.fixture
def till_key(django_user_model):
    user = django_user_model.objects.create_user("till2", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="inventory", codename__in=["add_stockmovement", "view_stock"]))
    _token, key = services.api_token_create(user=user, name="Till 2")
    return key


def post(client, body, key=None, idempotency_key=NEW_KEY):
    headers = {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if idempotency_key is NEW_KEY:
        idempotency_key = f"test-{uuid.uuid4().hex}"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, raw, content_type="application/json", headers=headers)


def sale(**overrides):
    return {"kind": "in_store_sale", "sku": "MUG-1", "location": "yyc", "quantity": 1, "reference": "R-1",
            **overrides}


def test_a_till_records_a_sale_that_is_gone_online_at_once(client, till_key, variant, store):
    store.ships_online = True
    store.save()
    services.stock_receive(variant=variant, location=store, quantity=2)

    response = post(client, sale(quantity=2), till_key, idempotency_key="till2-0001")

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["sku"], body["location"], body["quantity_change"], body["on_hand"]) == (
        "in_store_sale", "MUG-1", "yyc", -2, 0)
    assert availability_by_variant([variant.pk])[variant.pk].online == 0
    movement = StockMovement.objects.get(kind="in_store_sale")
    assert movement.created_by.username == "till2"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_sale_records_the_price_the_till_gives_or_else_the_catalogue_price(client, till_key, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=5)

    given = post(client, sale(unit_price="7.99"), till_key)
    default = post(client, sale(quantity=2), till_key)
    refused = post(client, {**sale(unit_price="7.99"), "kind": "return"}, till_key)

    assert (given.status_code, default.status_code, refused.status_code) == (201, 201, 400)
    assert given.json()["unit_price"] == "7.99"
    assert default.json()["unit_price"] == str(variant.price)
    assert "unit_price" in refused.json()["fields"]
    prices = StockMovement.objects.filter(kind="in_store_sale").order_by("pk").values_list("unit_price", flat=True)
    assert list(prices) == [Decimal("7.99"), variant.price]
    assert Stock.objects.get(variant=variant, location=store).on_hand == 2


def test_a_retried_request_with_the_same_idempotency_key_is_recorded_once(client, till_key, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=5)

    first = post(client, sale(), till_key, idempotency_key="till2-0002")
    retry = post(client, sale(), till_key, idempotency_key="till2-0002")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert Stock.objects.get(variant=variant, location=store).on_hand == 4


def test_a_retry_with_the_same_body_in_another_key_order_and_spacing_is_the_same_request(
    client, till_key, variant, store
):
    services.stock_receive(variant=variant, location=store, quantity=5)
    body = sale(quantity=2)

    first = post(client, body, till_key, idempotency_key="till2-0003")
    retry = post(client, json.dumps(dict(reversed(body.items())), indent=2), till_key, idempotency_key="till2-0003")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Stock.objects.get(variant=variant, location=store).on_hand == 3


@pytest.mark.parametrize("changed", [{"quantity": 2}, {"kind": "return"}, {"reference": "R-2"}, {"reason": "gift"}])
def test_the_same_idempotency_key_with_a_different_body_is_refused_with_422_and_records_nothing(
    client, till_key, variant, store, changed
):
    services.stock_receive(variant=variant, location=store, quantity=5)
    first = post(client, sale(), till_key, idempotency_key="till2-0004")

    reused = post(client, sale(**changed), till_key, idempotency_key="till2-0004")

    assert (first.status_code, reused.status_code) == (201, 422)
    assert reused.json() == {"error": "This Idempotency-Key was already used for a different request, so nothing was "
                                      "recorded. Send a new key for a new movement."}
    assert StockMovement.objects.filter(kind="in_store_sale").count() == 1
    assert Stock.objects.get(variant=variant, location=store).on_hand == 4
    assert post(client, sale(), till_key, idempotency_key="till2-0004").json()["id"] == first.json()["id"]


def test_another_users_request_with_a_key_already_used_is_refused_with_422(
    client, till_key, django_user_model, variant, store
):
    services.stock_receive(variant=variant, location=store, quantity=5)
    other = django_user_model.objects.create_user("till3", is_staff=True)
    other.user_permissions.set(Permission.objects.filter(content_type__app_label="inventory",
                                                         codename="add_stockmovement"))
    _token, other_key = services.api_token_create(user=other, name="Till 3")
    post(client, sale(), till_key, idempotency_key="receipt-1")

    response = post(client, sale(), other_key, idempotency_key="receipt-1")

    assert response.status_code == 422
    assert Stock.objects.get(variant=variant, location=store).on_hand == 4


def test_a_movement_without_an_idempotency_key_is_refused_naming_the_header(client, till_key, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=5)

    missing = post(client, sale(), till_key, idempotency_key=None)
    blank = post(client, sale(), till_key, idempotency_key="   ")

    assert (missing.status_code, blank.status_code) == (400, 400)
    assert missing.json() == blank.json() == {
        "error": "The Idempotency-Key header is required: a unique id for this movement, such as the till's receipt "
                 "line, so that a retried request is recorded once."}
    assert Stock.objects.get(variant=variant, location=store).on_hand == 5
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize("idempotency_key, error", [
    ("k" * 65, "The Idempotency-Key header may be 64 characters at most."),
    ("till2\x00-1", "The Idempotency-Key header may hold only printable ASCII characters."),
    ("reçu-1", "The Idempotency-Key header may hold only printable ASCII characters."),
])
def test_an_idempotency_key_too_long_or_with_odd_characters_is_a_400(client, till_key, variant, store,
                                                                   idempotency_key, error):
    services.stock_receive(variant=variant, location=store, quantity=5)

    response = post(client, sale(), till_key, idempotency_key=idempotency_key)

    assert (response.status_code, response.json()) == (400, {"error": error})
    assert StockMovement.objects.count() == 1


def test_returns_and_receipts_add_to_the_shelf(client, till_key, variant, store):
    post(client, sale(kind="receipt", quantity=10, reference="PO-9"), till_key)
    response = post(client, sale(kind="return", quantity=1, reason="wrong size"), till_key)

    assert response.json()["on_hand"] == 11
    assert list(StockMovement.objects.order_by("pk").values_list("kind", flat=True)) == ["receipt", "return"]


def test_selling_more_than_the_shelf_holds_is_a_conflict_with_what_is_there(client, till_key, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=1)

    response = post(client, sale(quantity=3), till_key)

    assert response.status_code == 409
    assert response.json() == {"error": "Only 1 unit of MUG-1 is available at Calgary store.", "available": 1}
    assert Stock.objects.get(variant=variant, location=store).on_hand == 1


@pytest.mark.parametrize("body, field", [
    (sale(quantity=0), "quantity"),
    (sale(quantity=-1), "quantity"),
    (sale(quantity=10**12), "quantity"),
    (sale(quantity="two"), "quantity"),
    (sale(quantity=True), "quantity"),
    (sale(quantity=1.5), "quantity"),
    (sale(sku="NOPE"), "sku"),
    (sale(location="nowhere"), "location"),
    (sale(kind="transfer"), "kind"),
    ({"sku": "MUG-1"}, "kind"),
    (sale(sku="MUG\x00-1"), "sku"),
    (sale(location="yy\x00c"), "location"),
    (sale(reference="R\x00"), "reference"),
])
def test_bad_fields_are_named_in_a_400_and_nothing_is_recorded(client, till_key, variant, store, body, field):
    services.stock_receive(variant=variant, location=store, quantity=5)

    response = post(client, body, till_key)

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_400(client, till_key, raw):
    response = post(client, raw, till_key)

    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_requests_without_a_valid_key_are_refused(client, till_key, variant, store):
    assert post(client, sale()).status_code == 401
    assert post(client, sale(), "wrong-key").status_code == 401
    ApiToken.objects.update(is_active=False)
    assert post(client, sale(), till_key).status_code == 401
    assert not StockMovement.objects.exists()


def test_a_key_whose_user_may_not_record_stock_is_forbidden(client, django_user_model, variant, store):
    _token, key = services.api_token_create(user=django_user_model.objects.create_user("intern"), name="x")

    assert post(client, sale(), key).status_code == 403


def test_only_a_hash_of_the_key_is_stored(till_key):
    token = ApiToken.objects.get()

    assert till_key not in (token.key_hash, token.prefix)
    assert token.key_hash == ApiToken.hash_key(till_key)


def test_stock_of_a_sku_per_location_and_online(client, till_key, variant, store, warehouse):
    services.stock_receive(variant=variant, location=warehouse, quantity=4)
    services.stock_receive(variant=variant, location=store, quantity=2)
    services.stock_reserve(lines=[(variant.pk, 1)])

    response = client.get("/api/v1/stock/mug-1/", headers={"Authorization": f"Bearer {till_key}"})
    missing = client.get("/api/v1/stock/NOPE/", headers={"Authorization": f"Bearer {till_key}"})

    assert response.json() == {
        "sku": "MUG-1", "product": "Stoneware Mug", "online_available": 3,
        "locations": [
            {"code": "wh", "name": "Calgary Warehouse", "ships_online": True, "on_hand": 4, "reserved": 1,
             "available": 3},
            {"code": "yyc", "name": "Calgary store", "ships_online": False, "on_hand": 2, "reserved": 0,
             "available": 2},
        ],
    }
    assert missing.status_code == 404


def test_staff_add_a_token_in_the_admin_and_see_the_key_once(admin_client, admin_user):
    response = admin_client.post("/admin/inventory/apitoken/add/", {"user": admin_user.pk, "name": "Till 1",
                                                                    "is_active": "on"}, follow=True)

    page = response.content.decode()
    assert "it will not be shown again" in page
    key = page.split("it will not be shown again: ")[1].split("<")[0].strip()
    assert services.api_token_user(key) == admin_user
