"""The one-click unsubscribe (RFC 8058), the footer sign-up with double opt-in, and the staff pages."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import STAFF_PASSWORD
from crm.models import ConsentEvent
from crm.services import consent as consent_services
from newsletters.models import Newsletter, SignUp
from newsletters.services import sending
from newsletters.services.rendering import unsubscribe_link
from outbox.models import OutboxEmail

from .conftest import contact_with

pytestmark = pytest.mark.django_db


def test_the_one_click_post_to_the_list_unsubscribe_url_withdraws_at_once_and_is_logged(
        newsletter, django_capture_on_commit_callbacks):
    ana = contact_with("ana@example.ca", consent="express")
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_start(newsletter=newsletter)
    [message] = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider's server: no cookie, no CSRF token

    response = mail_client.post(url.removeprefix("http://127.0.0.1:8000"), "List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded", REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 200
    withdraw = ConsentEvent.objects.filter(contact=ana, action="withdraw").get()
    assert (withdraw.purpose, withdraw.source, withdraw.ip_address) == (
        "newsletter", "newsletter unsubscribe link", "198.51.100.7")
    assert not consent_services.consent_state(contact=ana, purpose="newsletter",
                                              on=withdraw.occurred_at.date()).counts


def test_the_unsubscribe_link_opened_in_a_browser_asks_first_and_a_bad_token_is_a_404(client):
    ana = contact_with("ana@example.ca", consent="express")
    url = unsubscribe_link(contact_id=ana.pk, purpose="newsletter", language="en").removeprefix("http://127.0.0.1:8000")
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert not ConsentEvent.objects.filter(action="withdraw").exists()  # a link scanner's GET changes nothing
    assert client.get("/newsletter/unsubscribe/forged:token/").status_code == 404
    assert client.post("/newsletter/unsubscribe/forged:token/").status_code == 404


def test_the_footer_on_every_page_shows_the_sign_up_with_the_recorded_wording_in_both_languages(client):
    for language, prefix in (("en", ""), ("fr", "/fr")):
        page = client.get(f"{prefix}/newsletter/sent/").content.decode()
        with translation.override(language):
            assert str(consent_services.WORDING["newsletter"]) in page
        assert f'action="{prefix}/newsletter/"' in page
        assert re.search(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"', page)


def confirm_link_from(email) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/\S*/newsletter/confirm/\S+/|/newsletter/confirm/\S+/)",
                     email.text_body).group(1)


def queued():
    """The outbox rows written (requests in a test's transaction never reach their after-commit sending)."""
    return list(OutboxEmail.objects.order_by("pk"))


def test_a_guest_signs_up_and_consent_is_recorded_only_when_the_emailed_link_is_confirmed(client):
    response = client.post("/fr/newsletter/", {"email": "Zoe@Example.ca"}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302 and response["Location"] == "/fr/newsletter/sent/"
    [message] = queued()
    assert message.to == "zoe@example.ca" and "confirm" in message.subject.lower() and message.language == "fr"
    assert not ConsentEvent.objects.exists()

    link = confirm_link_from(message)
    assert link.startswith("/fr/")
    page = client.get(link)
    assert page.status_code == 200 and not ConsentEvent.objects.exists()  # opening it shows a button
    done = client.post(link, REMOTE_ADDR="203.0.113.5")

    assert done.status_code == 200
    event = ConsentEvent.objects.get()
    with translation.override("fr"):
        wording = str(consent_services.WORDING["newsletter"])
    assert (event.contact.email, event.purpose, event.action, event.basis) == (
        "zoe@example.ca", "newsletter", "give", "express")
    assert (event.wording, event.wording_version, event.contact.language) == (
        wording, consent_services.WORDING_VERSION, "fr")
    assert SignUp.objects.get().confirmed_at is not None
    client.post(link)
    assert ConsentEvent.objects.count() == 1


def test_signing_up_never_tells_whether_the_address_is_known_and_does_not_flood_a_mailbox(client):
    contact_with("ana@example.ca", consent="express")
    first = client.post("/newsletter/", {"email": "ana@example.ca"})
    again = client.post("/newsletter/", {"email": "ana@example.ca"})
    unknown = client.post("/newsletter/", {"email": "new@example.ca"})
    assert first["Location"] == again["Location"] == unknown["Location"] == "/newsletter/sent/"
    assert sorted(m.to for m in queued()) == ["ana@example.ca", "new@example.ca"]


def test_bad_input_re_renders_the_form_and_never_fails(client):
    for data in ({"email": "not an email"}, {}, {"email": "x" * 300 + "@example.ca"}):
        response = client.post("/newsletter/", data)
        assert response.status_code == 400 and b'aria-invalid="true"' in response.content
    assert client.get("/newsletter/confirm/nonsense/").status_code == 404
    assert client.post("/newsletter/confirm/nonsense/").status_code == 404
    assert client.put("/newsletter/").status_code == 405
    assert not SignUp.objects.exists() and queued() == []


def test_sign_ups_from_one_address_are_throttled(client):
    for i in range(10):
        assert client.post("/newsletter/", {"email": f"n{i}@example.ca"}).status_code == 302
    assert client.post("/newsletter/", {"email": "n11@example.ca"}).status_code == 429
    assert SignUp.objects.count() == 10


def test_an_expired_confirmation_link_does_not_work(client, settings):
    client.post("/newsletter/", {"email": "zoe@example.ca"})
    link = confirm_link_from(queued()[0])
    settings.SHOP_NEWSLETTER_CONFIRM_DAYS = 0
    assert client.post(link).status_code == 404
    assert not ConsentEvent.objects.exists()


# --- staff --------------------------------------------------------------------------------------------------------


def staff_client(staff_in, group, email="staff@example.ca"):
    user = staff_in(group)
    user.email = email
    user.save()
    client = Client()
    assert client.login(username=user.username, password=STAFF_PASSWORD)
    return client


@pytest.mark.parametrize("group", ["Marketing", "Managers"])
def test_marketing_and_managers_compose_preview_test_and_send(staff_in, group, newsletter,
                                                              django_capture_on_commit_callbacks):
    contact_with("ana@example.ca", consent="express")
    client = staff_client(staff_in, group)
    assert client.get(reverse("admin:newsletters_newsletter_changelist")).status_code == 200
    change = client.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]))
    assert change.status_code == 200 and b"Preview in French" in change.content
    preview = client.get(reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk, "fr"]))
    assert "Tournées à la main à Calgary." in preview.content.decode()
    send_page = reverse("admin:newsletters_newsletter_send", args=[newsletter.pk])
    assert client.get(send_page).status_code == 200

    client.post(send_page, {"do": "test"})
    assert sorted(m.subject for m in mail.outbox) == ["[TEST] Autumn at the shop", "[TEST] L'automne au comptoir"]
    assert {m.to[0] for m in mail.outbox} == {"staff@example.ca"}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_page, {"do": "send"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ana@example.ca"]]
    listing = client.get(reverse("admin:newsletters_newsletter_changelist")).content.decode()
    assert "1 / 1 sent · 0 failed · 0 skipped (no consent)" in listing


@pytest.mark.parametrize("group", ["Store staff", "Warehouse", "Accounts", "Catalogue managers"])
def test_other_groups_cannot_see_newsletters(staff_in, group, newsletter):
    client = staff_client(staff_in, group)
    for url in (reverse("admin:newsletters_newsletter_changelist"),
                reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]),
                reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk, "en"]),
                reverse("admin:newsletters_newsletter_send", args=[newsletter.pk]),
                reverse("admin:newsletters_signup_changelist")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("admin:newsletters_newsletter_send", args=[newsletter.pk]),
                       {"do": "send"}).status_code == 403
    assert Newsletter.objects.get().status == "draft"


def test_bad_input_on_the_send_page_re_renders_with_an_error(staff_in, newsletter):
    client = staff_client(staff_in, "Marketing")
    send_page = reverse("admin:newsletters_newsletter_send", args=[newsletter.pk])
    for data in ({"do": "schedule", "scheduled_at_0": "2001-01-01", "scheduled_at_1": "10:00"},
                 {"do": "schedule", "scheduled_at_0": "garbage", "scheduled_at_1": "x"},
                 {"do": "schedule"}, {"do": "nonsense"}, {"do": "pause"}):
        response = client.post(send_page, data)
        assert response.status_code == 200, data
    assert Newsletter.objects.get().status == "draft"
    assert client.get(reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk, "de"])).status_code == 404


def test_a_newsletter_needs_one_to_three_blocks_and_a_products_block_needs_products(staff_in, segment):
    client = staff_client(staff_in, "Marketing")
    add = reverse("admin:newsletters_newsletter_add")
    base = {"subject": "Hello", "subject_fr": "Bonjour", "segment": segment.pk,
            "blocks-INITIAL_FORMS": "0", "blocks-MIN_NUM_FORMS": "1", "blocks-MAX_NUM_FORMS": "3"}
    none = client.post(add, {**base, "blocks-TOTAL_FORMS": "0"})
    assert none.status_code == 200 and not Newsletter.objects.exists()
    products = client.post(add, {**base, "blocks-TOTAL_FORMS": "1", "blocks-0-position": "1",
                                 "blocks-0-kind": "products"})
    assert products.status_code == 200 and not Newsletter.objects.exists()
    ok = client.post(add, {**base, "blocks-TOTAL_FORMS": "1", "blocks-0-position": "1", "blocks-0-kind": "text",
                           "blocks-0-text": "Hi"})
    assert ok.status_code == 302 and Newsletter.objects.get().blocks.count() == 1
