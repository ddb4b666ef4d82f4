"""The CASL consent log is the proof of consent: in the admin it is read, never written (README: the consent log is
among "what only the services write"). Not even a superuser may change or delete a record, through the change page,
the delete page or the list's actions; the log stays exactly as recorded."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from crm.models import ConsentEvent
from crm.services.consent import consent_give

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(contact):
    """Chloé ticked "Yes, send me offers" at the checkout."""
    return consent_give(contact=contact, purpose=ConsentEvent.Purpose.PROMOTIONS, source="checkout",
                        wording="Yes, send me offers.", wording_version="t1", ip="203.0.113.7",
                        occurred_at=datetime(2026, 11, 2, 9, 30, tzinfo=ZoneInfo("America/Edmonton")))


def the_log():
    return list(ConsentEvent.objects.order_by("pk").values())


def test_a_superuser_posting_the_change_page_of_a_consent_record_is_refused_and_the_record_is_unchanged(
    admin_client, given, contact
):
    before = the_log()
    page = admin_client.get(reverse("admin:crm_consentevent_change", args=[given.pk])).content.decode()
    assert 'name="_save"' not in page  # shown read-only: there is nothing to save

    response = admin_client.post(reverse("admin:crm_consentevent_change", args=[given.pk]), {
        "contact": contact.pk, "purpose": "promotions", "action": "withdraw", "basis": "",
        "occurred_at_0": "2026-11-01", "occurred_at_1": "08:00:00", "lapses_on": "", "source": "staff, by phone",
        "wording": "", "wording_version": "", "ip_address": "", "recorded_by": "", "_save": "Save"})

    assert response.status_code == 403
    assert the_log() == before


def test_a_superuser_confirming_the_delete_page_of_a_consent_record_is_refused_and_the_record_stays(
    admin_client, given
):
    before = the_log()

    response = admin_client.post(reverse("admin:crm_consentevent_delete", args=[given.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert the_log() == before


def test_the_consent_log_list_offers_no_action_and_a_forged_delete_action_deletes_nothing(admin_client, given):
    before = the_log()
    listing = admin_client.get(reverse("admin:crm_consentevent_changelist")).content.decode()
    assert 'name="action"' not in listing and "delete_selected" not in listing

    response = admin_client.post(reverse("admin:crm_consentevent_changelist"), {
        "action": "delete_selected", "_selected_action": [given.pk], "post": "yes"})

    assert response.status_code == 200
    assert the_log() == before
