"""The schema and its docs page (under the site's Content-Security-Policy: no script, nothing from elsewhere); every
error is JSON."""

import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from inventory.models import StockMovement
from inventory.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def test_the_schema_and_its_docs_page_need_no_key(client):
    schema = client.get("/api/v1/schema/?format=json")
    docs = client.get("/api/v1/docs/")

    assert schema.status_code == docs.status_code == 200
    assert "/api/v1/stock/movements/" in schema.json()["paths"]
    page = docs.content.decode()
    assert docs["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "<script" not in page and "style=" not in page and "//cdn" not in page
    for operation in ["POST /api/v1/stock/movements/", "GET /api/v1/stock/{sku}/", "POST /api/v1/products/",
                      "POST /api/v1/orders/{number}/transition/", "GET /api/v1/customers/"]:
        assert operation in page


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/v1/nothing-here/", 404),
    ("get", "/api/v1/products/999999/", 404),
    ("delete", "/api/v1/products/1/", 405),
    ("get", "/api/v1/orders/", 401),
])
def test_errors_are_json(api, superuser_key, method, path, status):
    response = api(method, path, key=None if status == 401 else superuser_key)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}


def test_a_body_that_is_not_json_is_refused_in_json(client, superuser_key):
    response = client.post("/api/v1/products/", "name=x", content_type="application/x-www-form-urlencoded",
                           headers={"Authorization": f"Bearer {superuser_key}", "Idempotency-Key": "k-1"})

    assert response.status_code == 415
    assert "error" in response.json()


def test_fields_that_are_not_valid_are_each_named(api, key_in, mug):
    response = api("post", "/api/v1/products/", key=key_in("Catalogue managers"),
                   body={"category": mug.product.category_id, "name_en": "Lamp", "slug": "lamp",
                         "made_to_order": True})

    assert response.status_code == 400
    assert response.json() == {"error": "Some fields are not valid.",
                               "fields": {"estimate_from": ["A made-to-order product needs a price estimate."]}}


def readme_curls() -> list[list[str]]:
    """The curl commands of the README's REST API section, as written."""
    text = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = text.split("## REST API\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = re.sub(r"\\\n\s*", " ", block)
    # the body spans two lines inside its quotes: join what shlex sees as one command per "curl"
    return [shlex.split("curl " + c) for c in re.split(r"(?:^|\n)curl ", commands) if c.strip()]


def run_curl(client, args: list[str], key: str):
    method, headers, body, url = "GET", {}, None, None
    args = iter(args[1:])
    for arg in args:
        if arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, value = next(args).split(": ", 1)
            headers[name] = value.replace("$KEY", key)
        elif arg == "-d":
            body = next(args)
            method = "POST" if method == "GET" else method
        else:
            url = arg
    path = url.split("127.0.0.1:8000", 1)[1]
    content_type = headers.pop("Content-Type", "application/octet-stream")
    if method == "POST":
        return client.post(path, body, content_type=content_type, headers=headers)
    return client.get(path, headers=headers)


def test_the_point_of_sale_examples_of_the_readme_work_as_written(client, staff_in):
    mug = VariantFactory(sku="DEMO-STOMUG", product__name="Stoneware Mug")
    edmonton = LocationFactory(code="yeg", name="Edmonton store")
    stock_services.stock_receive(variant=mug, location=edmonton, quantity=3)
    from .conftest import key_for

    key = key_for(staff_in("Store staff"))
    sale, stock = readme_curls()

    recorded = run_curl(client, sale, key)
    retried = run_curl(client, sale, key)
    levels = run_curl(client, stock, key)

    assert (recorded.status_code, retried.status_code, levels.status_code) == (201, 200, 200)
    assert recorded.json()["on_hand"] == 2 and recorded.json()["unit_price"] == "24.00"
    assert StockMovement.objects.filter(kind="in_store_sale").count() == 1
    assert levels.json()["locations"][0]["on_hand"] == 2
