"""A French-speaking visitor walks the whole shop in French: every public page, the cart and checkout with a jacket
(size and colour) in it, an order paid by cheque and its page, and every email that order sends (acknowledgement,
shipped; a store pickup's "ready for pickup"). It fails on:

- a name staff wrote in English whose French differs (products, categories, sizes and colours, stores and their
  hours, carriers, delivery methods: the demo data has French for all of them);
- English left in the page chrome (tests/e2e/english_left.py), and in the emails;
- a missing elision ("Carte de Edmonton" for "Carte d’Edmonton");
- in the emails, a colon without its space before it ("Livraison (FedEx Économie) : 15,50 $", "TPS 5 % :").
"""

import re
from functools import cache

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.english_left import english_in_chrome, english_phrases
from tests.e2e.helpers import fill_calgary_address
from tests.e2e.public_pages import demo_shop  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VOWEL = "AEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜÆŒaeiouàâäéèêëîïôöùûüæœ"
CONSONANT = "BCDFGHJKLMNPQRSTVWXZÇbcdfghjklmnpqrstvwxzç"
# "de", "le", "la", "que", "ne" before a vowel or a y sounding as one (not after a hyphen: "choisissez-la à la").
MISSING_ELISION = re.compile(rf"(?<![\w’'\-])(?:[dDlLnN]e|[lL]a|[qQ]ue)\s+(?:[{VOWEL}]|[yY][{CONSONANT}])\w*")
# A colon that French writes with a space before it: not in an address (https://, mailto:) or a time (10:00).
COLON_WITHOUT_SPACE = re.compile(r"\S*[^\s\u00a0\u202f\d]:(?!//)\S*|\S*\d:(?!\d)\S*")

# The page's text as the visitor meets it: each text node apart (a table's cells do not run into one another), the
# text alternatives and labels read by screen readers, the title and description; not what is marked as another
# language (the language switch says "English" in English on purpose).
PAGE_TEXT = """() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('script, style, template, [lang]:not([lang^="fr"])').forEach(element => element.remove());
    const texts = [document.title];
    const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
    for (const element of copy.querySelectorAll('[alt], [aria-label], [title], [placeholder]'))
        for (const name of ['alt', 'aria-label', 'title', 'placeholder'])
            if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
    for (const meta of document.querySelectorAll('meta[name="description"], meta[property^="og:"]'))
        texts.push(meta.content);
    return texts.join('\\n');
}"""


def fr(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


@cache
def _whole(text: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")


def english_names() -> list[str]:
    """What staff wrote in English and French differently, in the demo data: names the French site must not show."""
    from catalog.models import Category, Product, ProductVariant
    from inventory.locations import StockLocation
    from orders.models import DeliveryMethod
    from shipping.models import Carrier

    pairs = []
    for model, fields in ((Product, ["name"]), (Category, ["name"]), (ProductVariant, ["size", "colour"]),
                          (StockLocation, ["name", "opening_hours"]), (Carrier, ["name"])):
        for field in fields:
            pairs += model.objects.values_list(f"{field}_en", f"{field}_fr")
    pairs += DeliveryMethod.objects.filter(is_active=True).values_list("name", "name_fr")
    return sorted({english for english, french in pairs if english and french and english != french})


def english_found(text: str, names: list[str]) -> list[str]:
    return [name for name in names if _whole(name).search(text)]


def problems(text: str, names: list[str], *, email: bool = False) -> dict:
    found = {
        "English name": english_found(text, names),
        "no elision": MISSING_ELISION.findall(text),
    }
    if email:  # the pages' chrome is read by english_in_chrome; an email has no chrome, all of it is read
        found["English"] = sorted({p.pattern[7:-6].replace("\\", "") for p in english_phrases() if p.search(text)})
        found["colon without space"] = COLON_WITHOUT_SPACE.findall(text)
    return {kind: sorted(set(values)) for kind, values in found.items() if values}


def walk(page: Page, path: str, names: list[str], found: dict) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert page.locator("html").get_attribute("lang") == "fr", path
    seen = problems(page.evaluate(PAGE_TEXT), names)
    english = english_in_chrome(page)
    if english:
        seen["English chrome"] = english
    if seen:
        found[path] = seen


def email_text(html: str) -> str:
    """What an HTML email says: its body's text, without its markup and styles."""
    from html import unescape

    body = re.sub(r"(?s)<head>.*?</head>|<style.*?</style>", " ", html)
    return unescape(re.sub(r"<[^>]+>", "\n", body))


def test_a_french_visitor_meets_french_on_every_page_and_in_every_email(page: Page, demo_shop):  # noqa: F811
    from orders.models import Order
    from outbox.models import OutboxEmail

    names = english_names()
    assert {"Navy", "Red", "Calgary — Kensington store", "Canada Post", "Chinook Rain Jacket"} <= set(names)
    found: dict = {}

    for path in demo_shop.paths:
        walk(page, "/fr" + path, names, found)
    page.goto("/fr/stores/")
    stores = page.get_by_role("main")
    expect(stores).to_contain_text("Calgary — magasin Kensington")
    expect(stores.get_by_role("link", name="Carte d’Edmonton — magasin Whyte Avenue (ouvre OpenStreetMap)")
           ).to_be_visible()

    # A jacket in size M, navy: "M / Marine" on the product page, in the cart and at checkout.
    page.goto("/fr" + demo_shop.product_url)
    page.get_by_role("button", name=fr("Add to cart: %(label)s") % {"label": "M / Marine"}).click()
    page.goto("/fr/cart/")
    expect(page.get_by_role("main")).to_contain_text("Imperméable Chinook — M / Marine")
    expect(page.get_by_label("Quantité d’Imperméable Chinook")).to_have_value("1")
    walk(page, "/fr/cart/", names, found)

    page.get_by_role("link", name=fr("Check out")).click()
    fill_calgary_address(page, email="amelie@example.com", name="Amélie Gagnon", label=fr)
    page.get_by_role("radio", name=re.compile("^Postes Canada Colis standard — ")).check()
    page.get_by_role("radio", name=fr("Cheque")).check()
    for problem in problems(page.evaluate(PAGE_TEXT), names).items():
        found.setdefault("/fr/checkout/", {}).update([problem])
    page.get_by_role("button", name=fr("Review my order")).click()
    expect(page.get_by_role("heading", name=fr("Review your order"), level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Imperméable Chinook — M / Marine")
    for problem in problems(page.evaluate(PAGE_TEXT), names).items():
        found.setdefault("/fr/checkout/review/", {}).update([problem])
    page.get_by_role("main").get_by_role("button").filter(has_text=re.compile(r"\$$")).last.click()

    order = Order.objects.get(email="amelie@example.com")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    assert order.language == "fr"
    assert order.lines.get().name == "Imperméable Chinook — M / Marine"
    with translation.override("fr"):
        order_path = order.get_absolute_url()
    walk(page, order_path, names, found)

    second = _paid_shipped_and_a_pickup_made_ready(order)
    emails = list(OutboxEmail.objects.filter(reference__in=[order.number, second.number]).order_by("pk"))
    for email in emails:
        assert email.language == "fr", email.subject
        text = "\n".join([email.subject, email.text_body, email_text(email.html_body)])
        seen = problems(text, names, email=True)
        if seen:
            found[f"email « {email.subject} »"] = seen

    def email(subject: str, number: str):
        from django.conf import settings

        wanted = fr(subject) % {"shop": settings.SHOP_NAME, "number": number}
        return next(e for e in emails if e.subject == wanted)

    acknowledgement = email("%(shop)s: we received your order %(number)s", order.number).text_body
    assert "Imperméable Chinook — M / Marine" in acknowledgement
    assert "Livraison (Postes Canada Colis standard)\u00a0: " in acknowledgement
    assert re.search(r"^TPS 5 %\u00a0: ", acknowledgement, re.MULTILINE)
    assert "Postes Canada" in email("%(shop)s: your order %(number)s is on its way", order.number).text_body
    ready = email("%(shop)s: your order %(number)s is ready for pickup", second.number).text_body
    assert "Edmonton — magasin Whyte Avenue" in ready

    assert not found, "\n".join(f"{where}: {seen}" for where, seen in found.items())


def _paid_shipped_and_a_pickup_made_ready(order):
    """The cheque arrives and the jacket ships with Canada Post; a second French order, picked up at the Edmonton
    store, is paid and made ready: the emails they send go through the services staff use. Returns that order."""
    from checkout.models import Cart, CartLine
    from checkout.services.placing import CheckoutDetails, order_place
    from orders.models import DeliveryMethod
    from payments.services.received import payment_record
    from shipping.models import Carrier
    from shipping.services.pickups import pickup_mark_ready
    from shipping.services.shipments import shipment_create

    payment_record(order=order, amount=order.total, method="cheque", reference="CHQ 101")
    line = order.lines.get()
    shipment_create(order=order, carrier=Carrier.objects.get(code="canada-post"), tracking_number="1234567890123456",
                    quantities={line.pk: line.quantity})

    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, variant=line.variant, quantity=1)
    with translation.override("fr"):
        second = order_place(cart=cart, language="fr", details=CheckoutDetails(
            email="amelie@example.com", phone="", ship_name="Amélie Gagnon", ship_address="", ship_city="",
            ship_province="AB", ship_postal_code="", payment_method="cheque",
            delivery_method_id=DeliveryMethod.objects.get(code="pickup-yeg").pk))
    payment_record(order=second, amount=second.total, method="cheque", reference="CHQ 102")
    pickup_mark_ready(order=second, user=None)
    return second
