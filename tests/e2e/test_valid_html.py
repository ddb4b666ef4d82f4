"""The Nu HTML checker finds no error on any public page, in English and in French, nor on the cart and the checkout
with something in them, nor on the API's docs page. (Every browser test has its pages checked the same way by
tests/e2e/conftest.py; this walk reaches the pages no journey opens.)"""

import re
from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.public_pages import demo_shop, fill_cart, show_delivery_options  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_nu_html_checker_finds_no_error_on_any_public_page(page: Page, html_pages, demo_shop):  # noqa: F811
    opened = []

    def visit(path: str) -> None:
        page.goto(path)
        html_pages.settle()  # its text read before the next page replaces it
        opened.append(path)

    for prefix in ["", "/fr"]:
        for path in demo_shop.paths:
            visit(prefix + path)
        fill_cart(page, demo_shop, prefix)
        visit(prefix + "/cart/")
        visit(prefix + "/checkout/")
        show_delivery_options(page)  # the checkout again, with the carriers' options and dates
        html_pages.settle()
        opened.append(prefix + "/checkout/")
        page.context.clear_cookies()
    visit("/api/v1/docs/")

    checked = Counter(received.url.removeprefix(html_pages.origin) for received in html_pages.received)
    assert Counter(opened) - checked == Counter()  # every page reached the checker
    errors = html_pages.take_errors()
    assert errors == [], "The Nu HTML checker's errors:\n" + "\n".join(errors)


def test_a_page_that_is_not_valid_html_is_reported_with_its_line_and_the_checkers_message(page: Page, html_pages,
                                                                                           live_server):
    invalid = ('<!DOCTYPE html>\n<html lang="en"><title>Sign up</title>\n<p>Your password:\n'
               "<ul><li>at least 12 characters</li></ul></p>\n")
    page.route("**/invalid/", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                          body=invalid))

    page.goto("/invalid/")
    html_pages.settle()
    page.goto("/admin/invalid/")  # the Django admin's markup is Django's: not checked
    html_pages.settle()

    assert html_pages.take_errors() == [
        f"{live_server.url}/invalid/ line 4: No “p” element in scope but a “p” end tag seen. [</li></ul></p>]",
    ]


def test_the_password_rules_on_sign_up_are_read_as_the_password_fields_description(page: Page):
    page.goto("/accounts/signup/")

    expect(page.get_by_label(re.compile(r"^Password\W*$"))).to_have_accessible_description(
        re.compile(r"can’t be too similar .* at least 8 characters"))
