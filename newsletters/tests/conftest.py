"""Newsletter fixtures: a newsletter segment, contacts in every consent state, a newsletter with two blocks."""

from datetime import timedelta

import pytest
from django.utils import timezone

NEWSLETTER = "newsletter"


def contact_with(email: str, *, language: str = "en", consent: str = "", days_ago: int = 10, name: str = ""):
    """A customer contact and its consent for the newsletter: "express", "implied" (a purchase `days_ago` days ago:
    lapsed after two years), "withdrawn" (express then unsubscribed) or "" (none)."""
    from crm.models import ConsentEvent, Contact
    from crm.services import consent as consent_services

    contact = Contact.objects.create(kind=Contact.Kind.CUSTOMER, name=name or email.split("@")[0], email=email,
                                     language=language)
    when = timezone.now() - timedelta(days=days_ago)
    if consent in ("express", "withdrawn"):
        consent_services.consent_give(contact=contact, purpose=NEWSLETTER, source="test", wording="Yes",
                                      wording_version="t", occurred_at=when)
    if consent == "implied":
        consent_services.consent_imply(contact=contact, basis=ConsentEvent.Basis.IMPLIED_PURCHASE, occurred_at=when,
                                       source="order T-1")
    if consent == "withdrawn":
        consent_services.consent_withdraw(contact=contact, purpose=NEWSLETTER, source="test",
                                          occurred_at=when + timedelta(days=1))
    return contact


@pytest.fixture
def segment(db):
    from crm.models import Segment

    return Segment.objects.create(name="Newsletter readers", purpose=NEWSLETTER)


@pytest.fixture
def make_newsletter(segment):
    from newsletters.models import Newsletter, NewsletterBlock

    def make(**fields):
        newsletter = Newsletter.objects.create(**{
            "subject": "Autumn at the shop", "subject_fr": "L'automne au comptoir", "segment": segment, **fields})
        NewsletterBlock.objects.create(newsletter=newsletter, position=1, heading="New mugs",
                                       heading_fr="Nouvelles tasses", text="Hand-thrown in Calgary.\n\nCome see.",
                                       text_fr="Tournées à la main à Calgary.\n\nVenez voir.")
        NewsletterBlock.objects.create(newsletter=newsletter, position=2, text="Open late on Thursdays.",
                                       text_fr="Ouvert tard le jeudi.")
        return newsletter

    return make


@pytest.fixture
def newsletter(make_newsletter):
    return make_newsletter()
