"""Issue 19, clear words: an order page opened with a wrong, cut or old link answers 404 with words about orders
(check the link in the email, or sign in to see your orders), not the product 404's; any other missing page keeps
the shop's usual 404."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from payments.tests.conftest import order_for  # noqa: F401 — shared fixture

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    [main] = re.findall(r'<main id="main"[^>]*>(.*?)</main>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture
def order(order_for, mug):  # noqa: F811
    return order_for("cheque", (mug, 1))


@pytest.mark.parametrize("link", [
    lambda order: reverse("orders:order_detail", args=[order.number]) + "?t=" + order.access_token[:-3],  # cut off
    lambda order: reverse("orders:order_detail", args=[order.number]),  # the token left out
    lambda order: reverse("orders:order_detail", args=["C-99999"]) + "?t=" + order.access_token,  # no such order
], ids=["cut link", "no token", "wrong number"])
def test_a_broken_order_link_is_a_404_that_talks_about_orders(order, link):
    response = Client().get(link(order))

    assert response.status_code == 404
    text = words(response.content.decode())
    assert text.startswith("We can’t find this order The link may be incomplete, mistyped or out of date. Please "
                           "open the order with the link in the email we sent you when you ordered, or sign in to "
                           "see your orders.")
    assert "product" not in text
    assert re.search(r'<a href="/accounts/login/\?next=/account/orders/">Sign in to see your orders</a>',
                     response.content.decode())


def test_a_signed_in_shopper_on_someone_elses_order_is_offered_their_own_orders(order, django_user_model):
    browser = Client()
    browser.force_login(django_user_model.objects.create_user("zoe"))

    response = browser.get(reverse("orders:order_detail", args=[order.number]))

    assert response.status_code == 404
    assert '<a href="/account/orders/">See my orders</a>' in response.content.decode()
    assert order.ship_name not in response.content.decode()


def test_the_french_order_404_is_in_french_and_still_a_404(order):
    response = Client().get("/fr" + reverse("orders:order_detail", args=[order.number]) + "?t=nope")

    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()
    assert 'href="/fr/accounts/login/?next=/fr/account/orders/"' in response.content.decode()


def test_any_other_missing_page_keeps_the_shops_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We could not find that page." in words(response.content.decode())
    assert "this order" not in response.content.decode()
