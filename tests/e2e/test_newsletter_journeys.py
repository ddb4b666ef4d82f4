"""A guest subscribes from the footer of a (cached) page without JavaScript tricks, confirms from the emailed link,
and staff send a newsletter she then receives with its one-click unsubscribe."""

import re

import pytest
from playwright.sync_api import Page, expect

from crm.models import ConsentEvent, Segment
from crm.services.consent import WORDING_VERSION
from newsletters.models import Newsletter, NewsletterBlock
from outbox.models import OutboxEmail
from tests.e2e.helpers import admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_guest_subscribes_in_the_footer_confirms_by_email_and_receives_the_next_newsletter(page: Page, staff):
    page.goto("/")
    page.goto("/")  # the second visit is served from the whole-page cache, CSRF token filled in
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Your email").fill("zoe@example.ca")
    footer.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert not ConsentEvent.objects.exists()
    confirmation = OutboxEmail.objects.get(to="zoe@example.ca")
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", confirmation.text_body).group(0)

    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", name="Confirm your subscription")).to_be_visible()
    page.get_by_role("button", name="Confirm my subscription").click()

    expect(page.get_by_role("heading", name="Your subscription is confirmed")).to_be_visible()
    event = ConsentEvent.objects.get()
    assert (event.contact.email, event.purpose, event.basis, event.wording_version) == (
        "zoe@example.ca", "newsletter", "express", WORDING_VERSION)

    newsletter = Newsletter.objects.create(subject="Autumn at the shop", subject_fr="L'automne",
                                           segment=Segment.objects.create(name="Readers", purpose="newsletter"))
    NewsletterBlock.objects.create(newsletter=newsletter, text="New mugs are in.", text_fr="Nouvelles tasses.")
    admin_log_in(page, staff)
    page.goto(f"/admin/newsletters/newsletter/{newsletter.pk}/change/")
    page.get_by_role("link", name="Test, schedule, send").click()
    page.get_by_role("button", name="Send now").click()

    expect(page.get_by_text("Sending has started.")).to_be_visible()
    expect(page.get_by_text("1 / 1 sent · 0 failed · 0 skipped (no consent)")).to_be_visible()
    sent = OutboxEmail.objects.get(to="zoe@example.ca", subject="Autumn at the shop")
    assert sent.status == "sent" and sent.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
