"""On a phone (360 and 390 CSS pixels wide) no public page scrolls sideways, in English and in French (French words
are longer): the header, the category pills, the product page's sizes-and-colours table, the cart and the checkout
with its delivery options all fit the screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import customer_log_in
from tests.e2e.public_pages import demo_shop, fill_cart, show_delivery_options  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTHS = [360, 390]

# What sticks out past the right edge of the screen: the widest element whose right edge is beyond it (its own box,
# not text clipped inside a scrolling box), described well enough to find it in the template.
_OVERFLOW = """() => {
  const limit = window.innerWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const scrolls = (el) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5) continue;
    let clipped = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) { clipped = true; break; }
    }
    if (clipped) continue;
    const path = [];
    for (let up = el; up && up !== document.body && path.length < 4; up = up.parentElement) path.unshift(describe(up));
    found.push({el, width: Math.round(box.width), right: Math.round(box.right), where: path.join(" > "),
                text: (el.innerText || el.value || "").trim().slice(0, 40)});
  }
  found.sort((a, b) => b.width - a.width);
  const widest = [];  // the widest, then the widest not inside one already named
  for (const item of found) {
    if (widest.length < 3 && !widest.some((w) => w.el.contains(item.el))) widest.push(item);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: limit,
          widest: widest.map(({el, ...rest}) => rest)};
}"""


def sideways(page: Page) -> str | None:
    """None when the page fits the screen; else what overflows."""
    result = page.evaluate(_OVERFLOW)
    assert result["innerWidth"] == page.viewport_size["width"]
    if result["scrollWidth"] <= result["innerWidth"]:
        return None
    return f"scrollWidth {result['scrollWidth']} > {result['innerWidth']}; " + "; ".join(
        f"{w['where']} ({w['width']} px wide, right edge at {w['right']}) {w['text']!r}" for w in result["widest"])


def check(page: Page, where: str, found: dict) -> None:
    problem = sideways(page)
    if problem:
        found[where] = problem


def phone(new_context, width: int) -> Page:
    """A phone-wide window (the shop's Content-Security-Policy watched, as on every browser journey). Not Playwright's
    `is_mobile`: a mobile browser zooms out to fit a page that is too wide, so `innerWidth` grows with the page and the
    sideways scroll would go unseen."""
    return new_context(viewport={"width": width, "height": 800}).new_page()


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_no_public_page_scrolls_sideways_on_a_phone(new_context, demo_shop, width):  # noqa: F811
    page = phone(new_context, width)
    found = {}
    for prefix in ["", "/fr"]:
        for path in demo_shop.paths:
            page.goto(prefix + path)
            check(page, prefix + path, found)

        fill_cart(page, demo_shop, prefix)
        page.goto(prefix + "/cart/")
        check(page, f"{prefix}/cart/ with an item", found)
        page.goto(prefix + "/checkout/")
        check(page, f"{prefix}/checkout/ with an item", found)
        show_delivery_options(page)
        check(page, f"{prefix}/checkout/ with the delivery options", found)
        main = page.get_by_role("main")
        main.locator("input[name=delivery_method]").first.check()
        main.locator("input[name=payment_method][value=cheque]").check()
        main.locator("button[type=submit]:not([name])").click()  # "Review my order"
        check(page, f"{prefix} order review", found)
        main.locator(f"form[action='{prefix}/checkout/place/'] button[type=submit]").click()  # "Place order — $…"
        expect(page.locator("h1")).to_contain_text("C-")
        check(page, f"{prefix} order placed", found)
        page.context.clear_cookies()

    assert not found, f"Pages wider than a {width} px phone:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_a_customers_account_pages_fit_a_phone(new_context, demo_shop, customer, width):  # noqa: F811
    customer.first_name, customer.last_name = "Marie-Christine", "Desrochers-Bélanger"  # the header greets her
    customer.save()
    page = phone(new_context, width)
    customer_log_in(page, customer)
    found = {}
    for prefix in ["", "/fr"]:
        for path in ["/account/statement/", "/account/orders/", "/account/profile/", "/account/addresses/",
                     "/account/privacy/", "/help/ask/", "/accounts/password/change/", "/accounts/email/",
                     demo_shop.product_url]:
            page.goto(prefix + path)
            check(page, prefix + path, found)
    assert not found, f"Pages wider than a {width} px phone:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


def test_a_shopper_picks_a_size_and_colour_on_a_phone_without_javascript(browser, live_server, demo_shop):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False,
                                  base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(demo_shop.product_url)
        table = page.get_by_role("table", name="Sizes and colours")
        expect(table.get_by_role("columnheader", name="Price")).to_have_count(1)  # still a table to screen readers
        expect(table.get_by_role("rowheader", name="M / Navy", exact=True)).to_be_visible()
        add = table.get_by_role("button", name="Add to cart: M / Navy")
        box = add.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"'Add to cart' is off the screen: {box}"
        assert sideways(page) is None

        add.click()
        expect(page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Cart: 1 item"))).to_be_visible()
        page.goto("/cart/")
        expect(page.get_by_role("table", name="Items in your cart")).to_contain_text("M / Navy")
        assert sideways(page) is None
    finally:
        context.close()
