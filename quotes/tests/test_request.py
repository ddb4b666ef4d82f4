"""The made-to-order product's pages and the customer's request form."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import VariantFactory
from checkout.models import Cart, CartLine
from checkout.services.cart import cart_add
from crm.models import Interaction
from quotes.models import Quote

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

FIELDS = {"specifics": "Oak, 2 m long, seats eight.", "quantity": "2", "name": "Ana Tremblay",
          "email": "ana@example.com", "phone": "403-555-0101"}


def request_url(variant):
    return reverse("quotes:request", args=[variant.product_id])


def test_a_made_to_order_product_shows_its_estimate_and_ask_for_a_quote_instead_of_add_to_cart(client, table):
    product = table.product

    html = client.get(product.get_absolute_url()).content.decode()
    again = client.get(product.get_absolute_url()).content.decode()  # from the whole-page cache

    for page in (html, again):
        assert "$900.00 to $1,400.00, depending on size and wood" in page
        assert f'href="{request_url(table)}"' in page and "Ask for a quote" in page
        assert "Add to cart" not in page and "Out of stock" not in page
    category = client.get(product.category.get_absolute_url()).content.decode()
    assert "$900.00 to $1,400.00, depending on size and wood" in category and "Ask for a quote" in category
    assert "Add to cart" not in category
    french = client.get("/fr" + product.get_absolute_url()).content.decode()
    assert "selon la taille et le bois" in french  # the note in French (the words around it: the lead's .po)


def test_only_a_lower_estimate_reads_from(table):
    product = table.product
    product.estimate_to = None

    assert product.estimate_text == "From $900.00, depending on size and wood"


def test_the_cart_refuses_a_made_to_order_product(table):
    cart = Cart.objects.create()

    change = cart_add(cart=cart, variant_id=table.pk, quantity=1)

    assert change.level == "error" and "made to order" in change.message
    assert not CartLine.objects.exists()


def test_a_guest_asks_for_a_quote_with_a_pdf_and_gets_an_acknowledgement(client, table, pdf_upload, settings,
                                                                        django_capture_on_commit_callbacks):
    wanted = timezone.localdate() + datetime.timedelta(days=40)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(table), {**FIELDS, "wanted_on": wanted.isoformat(),
                                                    "attachment": pdf_upload})

    assert response.status_code == 302
    assert response["Location"] == reverse("quotes:request_sent", args=[table.product_id])
    quote = Quote.objects.get()
    assert (quote.status, quote.variant, quote.quantity, quote.wanted_on, quote.email) == (
        "requested", table, 2, wanted, "ana@example.com")
    assert quote.attachment.name.startswith("quotes/") and quote.attachment.name.endswith("/request.pdf")
    assert (settings.PRIVATE_MEDIA_ROOT / quote.attachment.name).read_bytes().startswith(b"%PDF-")
    assert (quote.attachment_name, quote.attachment_type) == ("plan.pdf", "application/pdf")
    [email] = mail.outbox
    assert email.to == ["ana@example.com"] and quote.reference in email.subject
    assert "2 × Harvest Table" in email.body and "Oak, 2 m long" in email.body
    assert quote.contact.email == "ana@example.com"
    [line] = Interaction.objects.filter(contact=quote.contact)
    assert line.subject == f"Quote {quote.reference} requested"
    assert "Oak, 2 m long, seats eight." in line.body


def test_a_signed_in_customer_finds_the_form_filled_in_and_the_quote_is_theirs(client, table, django_user_model,
                                                                               png_upload):
    user = django_user_model.objects.create_user("ana", email="ana@example.com", password="x",
                                                 first_name="Ana", last_name="Tremblay")
    client.force_login(user)

    html = client.get(request_url(table)).content.decode()
    client.post(request_url(table), {**FIELDS, "attachment": png_upload})

    assert 'value="Ana Tremblay"' in html and 'value="ana@example.com"' in html
    quote = Quote.objects.get()
    assert quote.user == user and quote.attachment.name.endswith(".png") and quote.attachment_type == "image/png"


@pytest.mark.parametrize("upload, error", [
    (SimpleUploadedFile("big.png", png_bytes() + b"\0" * 2000, content_type="image/png"), "The file is too big"),
    (SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"),
     "Please attach a PDF, PNG or JPEG file"),
    (SimpleUploadedFile("photo.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/png"),
     "Please attach a PDF, PNG or JPEG file"),
    (SimpleUploadedFile("photo.jpg", png_bytes()[:40], content_type="image/jpeg"), "Please attach a PDF, PNG or JPEG"),
])
def test_an_attachment_too_big_or_not_what_its_name_says_is_refused(client, table, settings, upload, error):
    settings.SHOP_QUOTE_ATTACHMENT_MAX_BYTES = 1000

    response = client.post(request_url(table), {**FIELDS, "attachment": upload})

    assert response.status_code == 200
    html = response.content.decode()
    assert error in html and "Please correct the fields below." in html
    assert 'value="Ana Tremblay"' in html  # what was typed stays
    assert not Quote.objects.exists() and not mail.outbox


def test_a_wanted_date_in_the_past_is_refused(client, table):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(request_url(table), {**FIELDS, "wanted_on": yesterday.isoformat()})

    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert not Quote.objects.exists()


@pytest.mark.parametrize("fields", [{}, {"quantity": "0"}, {"quantity": "abc"}, {"email": "nope"},
                                    {"wanted_on": "31/02/2026"}, {"specifics": "   "}])
def test_bad_input_re_renders_the_form_never_an_error_page(client, table, fields):
    data = {**FIELDS, **fields} if fields else {}

    response = client.post(request_url(table), data)

    assert response.status_code == 200 and not Quote.objects.exists()


def test_a_product_that_is_not_made_to_order_has_no_request_form(client):
    variant = VariantFactory(price=Decimal("18.00"))

    assert client.get(request_url(variant)).status_code == 404


def test_the_french_form_sends_a_french_acknowledgement(client, table, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr" + request_url(table), FIELDS)

    quote = Quote.objects.get()
    assert quote.language == "fr"
    assert "Table de ferme" in mail.outbox[0].body


def test_the_attachment_goes_to_staff_and_the_requester_only(client, table, pdf_upload, staff_in,
                                                             django_user_model):
    owner = django_user_model.objects.create_user("ana", email="ana@example.com", password="x")
    client.force_login(owner)
    client.post(request_url(table), {**FIELDS, "attachment": pdf_upload})
    quote = Quote.objects.get()
    url = reverse("quotes:attachment", args=[quote.pk])

    as_owner = client.get(url)
    client.logout()
    as_guest = client.get(url)
    client.force_login(django_user_model.objects.create_user("bob", email="bob@example.com", password="x"))
    as_other = client.get(url)
    client.force_login(staff_in("Warehouse"))
    as_warehouse = client.get(url)
    client.force_login(staff_in("Store staff"))
    as_clerk = client.get(url)
    public = client.get("/media/" + quote.attachment.name)

    assert as_owner.status_code == 200 and b"".join(as_owner.streaming_content).startswith(b"%PDF-")
    assert as_owner["Content-Type"] == "application/pdf"
    assert "attachment" in as_owner["Content-Disposition"]
    assert as_guest.status_code == 302 and "login" in as_guest["Location"]
    assert as_other.status_code == 403 and as_warehouse.status_code == 403
    assert as_clerk.status_code == 200
    assert public.status_code == 404
