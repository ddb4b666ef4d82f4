"""Consent rules: implied consent lapses, express does not, an unsubscribe wins over what came before it."""

from datetime import date, datetime

from django.utils import timezone

from crm.models import ConsentEvent, Contact
from crm.services.consent import (
    WORDING,
    WORDING_VERSION,
    add_months,
    add_years,
    consent_give,
    consent_imply,
    consent_log,
    consent_state,
    consent_withdraw,
    contacts_consenting,
)

NEWS = ConsentEvent.Purpose.NEWSLETTER
PROMO = ConsentEvent.Purpose.PROMOTIONS
PROFILING = ConsentEvent.Purpose.PROFILING
PURCHASE = ConsentEvent.Basis.IMPLIED_PURCHASE
INQUIRY = ConsentEvent.Basis.IMPLIED_INQUIRY


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def give(contact, purpose, when):
    return consent_give(contact=contact, purpose=purpose, source="account page", wording=str(WORDING[purpose]),
                        wording_version=WORDING_VERSION, occurred_at=when)


def consenting(purpose, on):
    return set(contacts_consenting(purpose=purpose, on=on).values_list("pk", flat=True))


def test_a_purchase_implies_consent_for_two_years_then_it_lapses(contact):
    consent_imply(contact=contact, basis=PURCHASE, occurred_at=at(2024, 3, 10), source="order C-10001")

    state = consent_state(contact=contact, purpose=NEWS, on=date(2026, 3, 9))
    assert (state.counts, state.basis, state.lapses_on) == (True, PURCHASE, date(2026, 3, 10))
    assert consenting(NEWS, date(2026, 3, 9)) == {contact.pk}
    assert consenting(PROMO, date(2026, 3, 9)) == {contact.pk}
    assert consent_state(contact=contact, purpose=NEWS, on=date(2026, 3, 10)).counts is False
    assert consenting(NEWS, date(2026, 3, 10)) == set()
    assert consenting(PROMO, date(2026, 3, 10)) == set()


def test_an_inquiry_implies_consent_for_six_months(contact):
    consent_imply(contact=contact, basis=INQUIRY, occurred_at=at(2025, 8, 31), source="question")

    assert consent_state(contact=contact, purpose=NEWS, on=date(2025, 8, 31)).lapses_on == date(2026, 2, 28)
    assert consenting(NEWS, date(2026, 2, 27)) == {contact.pk}
    assert consenting(NEWS, date(2026, 2, 28)) == set()


def test_lapse_dates_without_a_calendar_library():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 3, 10), 2) == date(2026, 3, 10)
    assert add_months(date(2025, 11, 15), 6) == date(2026, 5, 15)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_express_consent_does_not_lapse(contact):
    give(contact, NEWS, at(2020, 1, 5))

    state = consent_state(contact=contact, purpose=NEWS, on=date(2030, 1, 5))
    assert (state.counts, state.basis, state.lapses_on) == (True, ConsentEvent.Basis.EXPRESS, None)
    assert consenting(NEWS, date(2030, 1, 5)) == {contact.pk}
    assert consenting(PROMO, date(2030, 1, 5)) == set()


def test_an_unsubscribe_wins_over_express_and_implied_consent_given_before(contact):
    give(contact, NEWS, at(2025, 1, 1))
    give(contact, PROFILING, at(2025, 1, 1))
    consent_imply(contact=contact, basis=PURCHASE, occurred_at=at(2025, 2, 1), source="order C-10001")

    events = consent_withdraw(contact=contact, purpose=None, source="unsubscribe link", occurred_at=at(2025, 3, 1))

    assert sorted(e.purpose for e in events) == sorted(ConsentEvent.Purpose.values)
    for purpose in ConsentEvent.Purpose.values:
        assert consent_state(contact=contact, purpose=purpose, on=date(2025, 3, 1)).counts is False
        assert consenting(purpose, date(2025, 3, 1)) == set()
    # Before the unsubscribe the consent counted.
    assert consenting(NEWS, date(2025, 2, 28)) == {contact.pk}


def test_express_consent_given_after_an_unsubscribe_counts_again(contact):
    give(contact, NEWS, at(2025, 1, 1))
    consent_withdraw(contact=contact, purpose=None, source="unsubscribe link", occurred_at=at(2025, 3, 1))
    give(contact, NEWS, at(2025, 4, 1))

    state = consent_state(contact=contact, purpose=NEWS, on=date(2025, 4, 1))
    assert (state.counts, state.since) == (True, at(2025, 4, 1))
    assert consenting(NEWS, date(2025, 4, 1)) == {contact.pk}
    assert consenting(NEWS, date(2025, 3, 31)) == set()


def test_a_purchase_after_an_unsubscribe_does_not_undo_it(contact):
    consent_withdraw(contact=contact, purpose=None, source="unsubscribe link", occurred_at=at(2025, 3, 1))

    assert consent_imply(contact=contact, basis=PURCHASE, occurred_at=at(2025, 4, 1), source="order C-10002") == []
    assert consenting(NEWS, date(2025, 4, 2)) == set()


def test_profiling_is_never_implied(contact):
    events = consent_imply(contact=contact, basis=PURCHASE, occurred_at=at(2025, 1, 1), source="order C-10001")

    assert sorted(e.purpose for e in events) == sorted([NEWS, PROMO])
    assert consent_state(contact=contact, purpose=PROFILING, on=date(2025, 1, 2)).counts is False
    assert consenting(PROFILING, date(2025, 1, 2)) == set()


def test_a_later_purchase_extends_implied_consent(contact):
    consent_imply(contact=contact, basis=PURCHASE, occurred_at=at(2024, 3, 10), source="order C-10001")
    consent_imply(contact=contact, basis=INQUIRY, occurred_at=at(2025, 1, 10), source="question")
    consent_imply(contact=contact, basis=PURCHASE, occurred_at=at(2025, 6, 1), source="order C-10002")

    state = consent_state(contact=contact, purpose=NEWS, on=date(2026, 3, 10))
    assert (state.counts, state.lapses_on) == (True, date(2027, 6, 1))
    assert consenting(NEWS, date(2027, 5, 31)) == {contact.pk}
    assert consenting(NEWS, date(2027, 6, 1)) == set()


def test_no_events_means_no_consent_and_later_events_are_not_seen_early(contact):
    assert consent_state(contact=contact, purpose=NEWS, on=date(2025, 1, 1)).counts is False
    give(contact, NEWS, at(2025, 6, 1))
    assert consent_state(contact=contact, purpose=NEWS, on=date(2025, 5, 31)).counts is False
    assert consenting(NEWS, date(2025, 5, 31)) == set()


def test_erased_contacts_are_never_consenting(contact):
    give(contact, NEWS, at(2025, 1, 1))
    Contact.objects.filter(pk=contact.pk).update(erased_at=timezone.now())

    assert consenting(NEWS, date(2025, 1, 2)) == set()


def test_contacts_consenting_is_one_query_for_many_contacts(db, django_assert_num_queries):
    contacts = [Contact.objects.create(name=f"C{i}", email=f"c{i}@example.com") for i in range(5)]
    for c in contacts[:3]:
        give(c, PROMO, at(2025, 1, 1))
    consent_withdraw(contact=contacts[0], purpose=PROMO, source="account page", occurred_at=at(2025, 2, 1))

    with django_assert_num_queries(1):
        found = consenting(PROMO, date(2025, 3, 1))
    assert found == {contacts[1].pk, contacts[2].pk}


def test_consent_log_lists_newest_first(contact):
    first = give(contact, NEWS, at(2025, 1, 1))
    [second] = consent_withdraw(contact=contact, purpose=NEWS, source="account page", occurred_at=at(2025, 2, 1))

    assert list(consent_log(contact=contact)) == [second, first]


def test_placing_an_order_records_the_customer_and_two_years_of_implied_consent(order_for, mug):
    from datetime import timedelta

    from django.utils import timezone

    from crm.models import ConsentEvent, Contact
    from crm.services.consent import contacts_consenting

    order = order_for("cheque", (mug, 1))

    contact = Contact.objects.get(email="ana@example.com")
    events = ConsentEvent.objects.filter(contact=contact)
    placed = timezone.localdate(order.created_at)
    assert sorted(events.values_list("purpose", "basis", "source")) == [
        ("newsletter", "implied_purchase", f"order {order.number}"),
        ("promotions", "implied_purchase", f"order {order.number}")]
    assert contact in contacts_consenting(purpose="promotions", on=placed + timedelta(days=365))
    assert contact not in contacts_consenting(purpose="profiling", on=placed)
