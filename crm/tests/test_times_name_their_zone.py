"""Issue 19, clear words: a time a customer reads says whose clock it is. The shop keeps America/Edmonton's time,
MST in winter and MDT in summer: the order's timeline (returns/tests/test_timeline_words.py), the account's consent
log and the security notices emailed about the account."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from core.templatetags.shop_time import datetime_zone
from crm.models import ConsentEvent, Contact
from crm.services.consent import consent_give

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
PASSWORD = "kettle-and-mug-42"


@pytest.fixture
def ana(django_user_model):
    user = django_user_model.objects.create_user("ana", "ana@example.com", PASSWORD, first_name="Ana")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime.datetime(2026, 12, 6, 17, 15, tzinfo=UTC), "Dec. 6, 2026, 10:15 a.m. MST"),
    (datetime.datetime(2026, 7, 6, 16, 15, tzinfo=UTC), "July 6, 2026, 10:15 a.m. MDT"),
    (datetime.datetime(2026, 3, 8, 8, 59, tzinfo=UTC), "March 8, 2026, 1:59 a.m. MST"),   # the minute before
    (datetime.datetime(2026, 3, 8, 9, 0, tzinfo=UTC), "March 8, 2026, 3 a.m. MDT"),       # clocks spring forward
])
def test_a_moment_is_written_in_the_shops_zone_with_its_name(moment, expected):
    assert datetime_zone(moment) == expected


def test_in_french_the_date_is_french_and_the_zone_named():
    with translation.override("fr"):
        shown = datetime_zone(datetime.datetime(2026, 12, 6, 17, 15, tzinfo=UTC))
        zone = translation.gettext("MST")  # "HNR", heure normale des Rocheuses (/work/notes/fr/f.json)

    assert shown == f"6 décembre 2026 10:15 {zone}"


def test_no_moment_shows_nothing():
    assert datetime_zone(None) == ""


def test_the_consent_log_on_the_privacy_page_names_the_zone(client, ana):
    contact = Contact.objects.create(kind=Contact.Kind.CUSTOMER, name="Ana", email=ana.email, user=ana)
    consent_give(contact=contact, purpose=ConsentEvent.Purpose.NEWSLETTER, source="sign-up form",
                 wording="Yes, email me the newsletter.", wording_version="1",
                 occurred_at=datetime.datetime(2026, 7, 6, 16, 15, tzinfo=UTC))
    client.force_login(ana)

    html = client.get(reverse("crm:account_privacy")).content.decode()

    assert "<td>July 6, 2026, 10:15 a.m. MDT</td>" in html


def test_the_password_changed_notice_says_when_in_the_shops_zone(client, ana, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": "a-new-kettle-2026",
                                                         "password2": "a-new-kettle-2026"})

    [message] = mailoutbox
    # e.g. "When: Dec. 6, 2026, 10:15 a.m. MST." — one full stop after the zone, none doubled after "a.m."
    assert re.search(r"\nWhen: [A-Z][a-z]+\.? \d{1,2}, \d{4}, \d{1,2}(:\d\d)? [ap]\.m\. M[SD]T\.\n", message.body), \
        message.body
    html = message.alternatives[0][0]
    assert re.search(r"<p>When: [^<]+ M[SD]T\.</p>", html)
