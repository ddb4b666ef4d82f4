"""Staff reply in the admin; the signed link the customer receives; who may see quotes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from crm.models import Interaction
from quotes import links
from quotes.models import Quote
from quotes.services import quote_request, quote_send, quotes_expire

from .factories import QuotedFactory, QuoteFactory

pytestmark = pytest.mark.django_db

SEND = {"unit_price": "", "total": "2300.00", "lead_time_days": "30", "message": "Solid oak, oiled.",
        "_send_quote": "Send quote"}


def in_two_weeks():
    return timezone.localdate() + datetime.timedelta(days=14)


def change_url(quote):
    return reverse("admin:quotes_quote_change", args=[quote.pk])


@pytest.mark.parametrize("group, allowed", [
    ("Store staff", True), ("Managers", True), ("Warehouse", False), ("Accounts", False), ("Marketing", False),
    ("Catalogue managers", False),
])
def test_quotes_are_for_the_people_who_sell(client, staff_in, group, allowed):
    quote = QuoteFactory()
    member = staff_in(group)
    client.force_login(member)

    listing = client.get(reverse("admin:quotes_quote_changelist"))
    page = client.get(change_url(quote))

    assert listing.status_code == (200 if allowed else 403)
    assert page.status_code == (200 if allowed else 403)
    assert member.has_perm("quotes.change_quote") is allowed
    assert not member.has_perm("quotes.delete_quote") and not member.has_perm("quotes.add_quote")


def test_the_list_shows_each_request_with_its_status(client, staff_in):
    QuoteFactory(email="ana@example.com")
    QuotedFactory(email="bob@example.com")
    client.force_login(staff_in("Store staff"))

    html = client.get(reverse("admin:quotes_quote_changelist")).content.decode()

    assert "ana@example.com" in html and "Requested" in html
    assert "bob@example.com" in html and "Quoted" in html and "$2,300.00" in html


def test_staff_send_a_quote_from_a_total_and_the_customer_gets_a_working_signed_link(
        client, staff_in, table, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        quote = quote_request(product=table.product, variant=table, name="Ana", email="ana@example.com", phone="",
                              specifics="Oak", quantity=2, wanted_on=None, language="en")
    mail.outbox.clear()
    clerk = staff_in("Store staff")
    client.force_login(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(quote), {**SEND, "valid_until": in_two_weeks().isoformat()})

    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.unit_price, quote.lead_time_days, quote.valid_until, quote.quoted_by) == (
        "quoted", Decimal("1150.00"), 30, in_two_weeks(), clerk)
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert "$1,150.00" in email.body and "$2,300.00" in email.body and "Solid oak, oiled." in email.body
    link = re.search(r"http://\S+/quotes/q/\S+/", email.body).group(0)
    page = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "$1,150.00" in html and "$2,300.00" in html and "Accept and check out" in html
    assert [i.subject for i in Interaction.objects.filter(contact=quote.contact).order_by("pk")] == [
        f"Quote {quote.reference} requested", f"Quote {quote.reference} sent: $2,300.00"]


@pytest.mark.parametrize("fields, error", [
    ({"valid_until": "2000-01-01"}, "The quote must be valid until today or later."),
    ({"total": "100.00", "valid_until": None}, "does not divide into 3 equal prices"),
    ({"total": "", "valid_until": None}, "Give a unit price or a total before sending the quote."),
    ({"lead_time_days": "", "valid_until": None}, "Give the lead time before sending the quote."),
])
def test_a_quote_missing_something_is_not_sent(client, staff_in, fields, error):
    quote = QuoteFactory(quantity=3)
    client.force_login(staff_in("Managers"))
    data = {**SEND, "total": "2400.00", "valid_until": in_two_weeks().isoformat(), **fields}
    data = {key: value for key, value in data.items() if value is not None}

    response = client.post(change_url(quote), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == "requested" and not mail.outbox


def test_staff_decline_a_request(client, staff_in):
    quote = QuoteFactory()
    client.force_login(staff_in("Store staff"))

    client.post(change_url(quote), {"unit_price": "", "total": "", "lead_time_days": "", "valid_until": "",
                                    "message": "", "_decline": "Decline"})

    quote.refresh_from_db()
    assert quote.status == "declined"


def test_a_tampered_link_does_not_work(client):
    quote = QuotedFactory()
    token = links.quote_token(quote)
    other = QuotedFactory(variant=quote.variant, product=quote.product)
    payload, stamp, signature = token.split(":")
    forged = ":".join([signing.b64_encode(f'{{"q":{other.pk}}}'.encode()).decode(), stamp, signature])

    for bad in (token[:-2] + "xx", forged, "nonsense", token + "a"):
        response = client.get(reverse("quotes:quote_detail", args=[bad]))
        assert response.status_code == 404, bad
        assert "This link does not work" in response.content.decode()


def test_a_link_past_its_age_says_so(client, settings):
    quote = QuotedFactory()
    token = links.quote_token(quote)
    settings.SHOP_QUOTE_LINK_MAX_AGE_DAYS = -1

    response = client.get(reverse("quotes:quote_detail", args=[token]))

    assert response.status_code == 410 and "This link has expired" in response.content.decode()


def test_a_quote_past_its_validity_says_it_expired_and_offers_no_accept(client):
    quote = QuotedFactory(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    html = client.get(links.quote_path(quote)).content.decode()

    assert "This quote expired on" in html and "Accept and check out" not in html


def test_the_daily_job_expires_quotes_past_their_validity(table):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    old = QuotedFactory(variant=table, product=table.product, valid_until=yesterday)
    current = QuotedFactory(variant=table, product=table.product)

    assert quotes_expire() == 1
    assert quotes_expire() == 0

    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == ("expired", "quoted")


def test_an_expired_quote_can_be_quoted_again(table):
    quote = QuotedFactory(variant=table, product=table.product, status=Quote.Status.EXPIRED)

    quote_send(quote_id=quote.pk, unit_price=Decimal("1200.00"), lead_time_days=20, valid_until=in_two_weeks())

    quote.refresh_from_db()
    assert (quote.status, quote.unit_price) == ("quoted", Decimal("1200.00"))
