import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import ConsentEvent, Contact, CustomerScore, Interaction, Segment
from crm.selectors import contact_problems, contact_timeline
from crm.services.scoring import customer_scores_compute
from crm.tests.test_scoring import customer_make, order_make
from outbox.models import OutboxEmail
from payments.models import Payment
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


def consent(contact, purpose=ConsentEvent.Purpose.PROMOTIONS):
    from crm.services.consent import consent_give

    consent_give(contact=contact, purpose=purpose, source="checkout", wording="Yes, send me offers.",
                 wording_version="t1", occurred_at=timezone.now() - datetime.timedelta(days=3))


def history_make(contact, *, n=1):
    """n of everything: orders (one of them late), an email, a return, a failed payment, an open question."""
    today = timezone.localdate()
    for i in range(n):
        delivered = order_make(email=contact.email, total=100 + i, on=today - datetime.timedelta(days=40 + i))
        late = order_make(email=contact.email, total=20, on=today - datetime.timedelta(days=12 + i),
                          status="paid", promised_on=today - datetime.timedelta(days=2))
        OutboxEmail.objects.create(to=contact.email.upper(), subject=f"Your order {delivered.number}",
                                   text_body="Thanks")
        ReturnRequest.objects.create(order=delivered, reason="Too small")
        Payment.objects.create(order=late, method=Payment.Method.CARD, status=Payment.Status.FAILED,
                               amount=Decimal("20.00"), failure_message="Card declined")
        Interaction.objects.create(contact=contact, kind=Interaction.Kind.QUESTION, subject="Where is my parcel?",
                                   occurred_at=timezone.now() - datetime.timedelta(hours=i + 1), is_open=True)
    consent(contact)


def test_timeline_gathers_everything_newest_first_and_problems_are_counted():
    contact = customer_make("ann@example.com")
    history_make(contact)
    order_make(email="someone@example.com", total=5, on=timezone.localdate())  # not hers

    timeline = contact_timeline(contact=contact)

    assert sorted(item.kind for item in timeline) == sorted(
        ["order", "order", "late", "email", "return", "payment_failed", "interaction", "consent"])
    assert [item.at for item in timeline] == sorted((item.at for item in timeline), reverse=True)
    assert contact_problems(contact=contact) == [
        "1 late delivery", "1 return (1 open)", "1 failed payment", "1 open question"]


def test_contact_360_page_shows_problems_timeline_and_top_badge(admin_client):
    contact = customer_make("ann@example.com")
    history_make(contact)
    customer_scores_compute()
    url = reverse("admin:crm_contact_change", args=[contact.pk])

    response = admin_client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Top customer" in page
    for text in ("1 late delivery", "1 return (1 open)", "1 failed payment", "1 open question",
                 "Where is my parcel?", "Email: Your order", "Return for order", "Payment failed: order",
                 "Delivery late: order", "Consent given: Promotions and offers"):
        assert text in page, text


def test_contact_360_page_query_count_does_not_grow_with_history(admin_client, admin_user):
    contact = customer_make("ann@example.com")
    history_make(contact)
    url = reverse("admin:crm_contact_change", args=[contact.pk])
    admin_client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200

    history_make(contact, n=6)
    Interaction.objects.update(created_by=admin_user)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200

    assert len(many) == len(few)


def test_contact_list_shows_scores_churn_reasons_and_a_constant_number_of_queries(admin_client):
    url = reverse("admin:crm_contact_changelist")
    for i in range(2):
        customer_make(f"c{i}@example.com")
        order_make(email=f"c{i}@example.com", total=10, on=timezone.localdate())
    customer_scores_compute()
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for i in range(2, 12):
        customer_make(f"c{i}@example.com")
        order_make(email=f"c{i}@example.com", total=10, on=timezone.localdate())
    customer_scores_compute()
    CustomerScore.objects.filter(contact__email="c3@example.com").update(
        churn_risk=True, churn_reason="Usually orders every 30 days; last order 92 days ago (Aug 24, 2026).")

    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    flagged = admin_client.get(url, {"churn": "flagged"})

    assert len(many) == len(few)
    page = response.content.decode()
    assert reverse("admin:crm_contact_pareto") in page
    assert "Usually orders every 30 days" in page
    assert list(flagged.context["cl"].result_list) == [Contact.objects.get(email="c3@example.com")]
    assert admin_client.get(url, {"tier": "top"}).status_code == 200


def test_logging_a_call_from_the_contact_page_records_who_logged_it(admin_client, admin_user):
    contact = customer_make("ann@example.com")
    url = reverse("admin:crm_contact_change", args=[contact.pk])

    response = admin_client.post(url, {
        "kind": "customer", "name": "Ann", "email": "ann@example.com", "language": "en",
        "interactions-TOTAL_FORMS": "1", "interactions-INITIAL_FORMS": "0",
        "interactions-MIN_NUM_FORMS": "0", "interactions-MAX_NUM_FORMS": "1000",
        "interactions-0-kind": "call", "interactions-0-subject": "Called about her order",
        "interactions-0-body": "She will call back.", "interactions-0-occurred_at_0": "",
        "interactions-0-occurred_at_1": "",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    call = Interaction.objects.get(contact=contact)
    assert (call.kind, call.subject, call.created_by) == ("call", "Called about her order", admin_user)
    assert abs(call.occurred_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_pareto_report_page_shows_the_shares(admin_client):
    for i, revenue in enumerate([500, 300, 100, 40, 20, 15, 10, 8, 5, 2]):
        customer_make(f"c{i}@example.com")
        order_make(email=f"c{i}@example.com", total=revenue, on=timezone.localdate())

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("admin:crm_contact_pareto"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "20.0 % of customers make 80.0 % of revenue." in page
    assert "c0@example.com" in page and "c1@example.com" in page and "c2@example.com" not in page
    assert len(queries) <= 8


def test_segment_pages_show_live_size_and_first_members(admin_client):
    segment = Segment.objects.create(name="Albertans", provinces="AB")
    for i in range(3):
        contact = customer_make(f"ab{i}@example.com", province="AB")
        consent(contact)
    customer_make("silent@example.com", province="AB")  # no consent: not counted

    listing = admin_client.get(reverse("admin:crm_segment_changelist"))
    change = admin_client.get(reverse("admin:crm_segment_change", args=[segment.pk]))

    assert listing.status_code == 200
    assert '<td class="field-size">3</td>' in listing.content.decode()
    page = change.content.decode()
    assert '<strong class="segment-size">3</strong>' in page
    assert "ab0@example.com" in page and "silent@example.com" not in page
    assert admin_client.get(reverse("admin:crm_segment_add")).status_code == 200


def test_scores_and_consent_log_are_read_only(admin_client):
    contact = customer_make("ann@example.com")
    order_make(email="ann@example.com", total=10, on=timezone.localdate())
    consent(contact)
    customer_scores_compute()
    event = ConsentEvent.objects.get()

    assert admin_client.get(reverse("admin:crm_customerscore_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:crm_consentevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:crm_consentevent_change", args=[event.pk])).status_code == 200
    assert admin_client.get(reverse("admin:crm_consentevent_add")).status_code == 403
    assert admin_client.get(reverse("admin:crm_customerscore_add")).status_code == 403


@pytest.mark.parametrize(("url", "queries"), [
    # session, staff member, their permissions (own, groups'), the count of the list and of all (the admin's
    # "(N total)"), the page of contacts with their scores
    pytest.param(reverse("admin:crm_contact_changelist"), 7, id="contacts"),
    pytest.param(reverse("admin:crm_contact_changelist") + "?churn=flagged", 7, id="contacts about to be lost"),
    # the same, with the page of scores and their contacts
    pytest.param(reverse("admin:crm_customerscore_changelist"), 7, id="customer scores"),
    pytest.param(reverse("admin:crm_customerscore_changelist") + "?tier=top", 7, id="top customers"),
])
def test_the_customer_lists_read_the_same_queries_for_two_or_twenty_customers(client, staff_in, url, queries,
                                                                             django_assert_num_queries):
    def customers_make(start, stop):
        for i in range(start, stop):
            customer_make(f"c{i}@example.com")
            for days in (200, 150, 100)[: 1 + i % 3]:  # one, two or three orders
                order_make(email=f"c{i}@example.com", total=10 + i,
                           on=timezone.localdate() - datetime.timedelta(days=days))
        customer_scores_compute()
        CustomerScore.objects.update(churn_risk=True, churn_reason="Usually orders every 50 days.")

    client.force_login(staff_in("Marketing"))
    customers_make(0, 2)
    client.get(url)  # warm the content types
    with django_assert_num_queries(queries):
        few = client.get(url).context["cl"]
    customers_make(2, 20)
    with django_assert_num_queries(queries):
        many = client.get(url).context["cl"]

    assert len(many.result_list) > len(few.result_list) >= 1
