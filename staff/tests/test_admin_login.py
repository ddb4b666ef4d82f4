"""The admin's sign-in is throttled like the shop's (ACCOUNT_RATE_LIMITS["login_failed"] = "5/5m/ip,5/5m/key"):
after five failed attempts from one address, or for one username, even the right password is refused for five
minutes."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import STAFF_PASSWORD
from staff.forms import AdminLoginForm

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login") + "?next=/admin/"
REFUSED = "Too many failed sign-in attempts, try again later."


@pytest.fixture
def clerk(staff_in):
    return staff_in("Store staff", username="clerk")


def sign_in(username, password, *, ip="203.0.113.7", browser=None, **headers):
    browser = browser or Client()
    return browser.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(times, username, *, ip="203.0.113.7"):
    for _ in range(times):
        response = sign_in(username, "wrong-password", ip=ip)
        assert response.status_code == 200
        assert "Please enter the correct username and password for a staff account." in response.content.decode()


def test_four_wrong_passwords_then_the_right_one_signs_in(clerk):
    fail(4, "clerk")

    assert signed_in(sign_in("clerk", STAFF_PASSWORD))


def test_after_five_wrong_passwords_the_right_one_is_refused_with_a_clear_message(clerk):
    fail(5, "clerk")
    browser = Client()

    response = sign_in("clerk", STAFF_PASSWORD, browser=browser)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert browser.get("/admin/").status_code == 302  # still sent to the sign-in page


def test_the_refusal_is_translated_into_french():
    # The admin's own pages are served in English (URLs without a language prefix); the message exists in French.
    with translation.override("fr"):
        assert str(AdminLoginForm.error_messages["too_many_attempts"]) == (
            "Trop de tentatives de connexion échouées, réessayez plus tard.")


def test_the_limits_hold_per_address_and_per_username(clerk, staff_in):
    staff_in("Warehouse", username="picker")
    fail(5, "clerk", ip="203.0.113.7")

    # the same username from elsewhere: refused (5 per username)
    assert REFUSED in sign_in("clerk", STAFF_PASSWORD, ip="198.51.100.20").content.decode()
    # another username from the same address: refused (5 per address)
    assert REFUSED in sign_in("picker", STAFF_PASSWORD, ip="203.0.113.7").content.decode()
    # another username from another address: unaffected
    assert signed_in(sign_in("picker", STAFF_PASSWORD, ip="198.51.100.20"))


def test_failed_sign_ins_at_the_shop_count_against_the_same_address(clerk, django_user_model):
    django_user_model.objects.create_user("ana", "ana@example.com", "ana-pw")
    for _ in range(5):
        Client().post(reverse("account_login"), {"login": "ana@example.com", "password": "wrong"},
                      REMOTE_ADDR="203.0.113.7")

    assert REFUSED in sign_in("clerk", STAFF_PASSWORD, ip="203.0.113.7").content.decode()


def test_once_the_five_minutes_have_passed_the_right_password_signs_in(clerk, monkeypatch):
    fail(5, "clerk")
    assert REFUSED in sign_in("clerk", STAFF_PASSWORD).content.decode()
    four_minutes_later = time.time() + 4 * 60
    monkeypatch.setattr(time, "time", lambda: four_minutes_later)
    assert REFUSED in sign_in("clerk", STAFF_PASSWORD).content.decode()

    five_minutes_later = four_minutes_later + 61
    monkeypatch.setattr(time, "time", lambda: five_minutes_later)

    assert signed_in(sign_in("clerk", STAFF_PASSWORD))
