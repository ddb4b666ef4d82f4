import datetime

import pytest
from django.utils import timezone

from catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from crm.models import ConsentEvent, Contact, CustomerScore, Segment
from crm.services.segments import segment_members, segment_size
from crm.tests.test_scoring import customer_make, order_make
from orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

PROMOTIONS = ConsentEvent.Purpose.PROMOTIONS
ON = datetime.date(2026, 11, 24)


def consent(contact: Contact, purpose=PROMOTIONS):
    from crm.services.consent import consent_give

    consent_give(contact=contact, purpose=purpose, source="test", wording="Yes, send me offers.",
                 wording_version="t1", occurred_at=timezone.now() - datetime.timedelta(days=30))


def bought(contact: Contact, variant, on: datetime.date, status=Order.Status.DELIVERED):
    order = order_make(email=contact.email, total=10, on=on, status=status)
    OrderLine.objects.create(order=order, variant=variant, sku=variant.sku, name="Thing", unit_price=10,
                             quantity=1, line_total=10)


@pytest.fixture
def catalog():
    clothing = CategoryFactory(name="Clothing")
    shoes = CategoryFactory(name="Shoes", parent=clothing)
    toys = CategoryFactory(name="Toys")
    return {"clothing": clothing, "shoes": shoes, "toys": toys,
            "shoe": VariantFactory(product=ProductFactory(category=shoes)),
            "toy": VariantFactory(product=ProductFactory(category=toys))}


@pytest.fixture
def segment(catalog):
    return Segment.objects.create(
        name="Prairie women who buy clothing", purpose=PROMOTIONS, provinces="ab, SK", tiers="top, regular",
        gender=Contact.Gender.WOMAN, born_from=1980, born_until=1990, interested_in=catalog["clothing"],
        bought_in=catalog["clothing"], last_order_after=datetime.date(2026, 1, 1),
        last_order_before=datetime.date(2026, 9, 1))


def member_make(catalog, email: str, *, tier="top", interest="shoes", bought_in="shoe",
                orders_on=(datetime.date(2026, 6, 15),), consents=True, **fields) -> Contact:
    """A contact matching every rule of the segment fixture unless told otherwise."""
    fields = {"province": "AB", "gender": Contact.Gender.WOMAN, "birth_year": 1985, **fields}
    contact = customer_make(email, **fields)
    contact.interests.set([catalog[interest]])
    for day in orders_on:
        bought(contact, catalog[bought_in], day)
    CustomerScore.objects.create(contact=contact, recency=3, frequency=3, monetary=3, orders=1, revenue=10,
                                 last_order_on=max(orders_on), tier=tier, computed_at=timezone.now())
    if consents:
        consent(contact)
    return contact


MISSES = {
    "province": {"province": "BC"},
    "tier": {"tier": "occasional"},
    "gender": {"gender": Contact.Gender.MAN},
    "born_from": {"birth_year": 1979},
    "born_until": {"birth_year": 1991},
    "interested_in": {"interest": "toys"},
    "bought_in": {"bought_in": "toy"},
    "last_order_after": {"orders_on": (datetime.date(2025, 12, 31),)},
    "last_order_before": {"orders_on": (datetime.date(2026, 6, 15), datetime.date(2026, 9, 1))},
}


@pytest.mark.parametrize("rule", MISSES)
def test_each_rule_filters_out_a_contact_that_misses_only_it(catalog, segment, rule):
    hit = member_make(catalog, "hit@example.com")
    member_make(catalog, "miss@example.com", **MISSES[rule])

    assert list(segment_members(segment=segment, on=ON)) == [hit]
    assert segment_size(segment=segment, on=ON) == 1


def test_a_rule_left_empty_is_ignored(catalog, segment):
    hit = member_make(catalog, "hit@example.com")
    other = member_make(catalog, "bc@example.com", province="BC", gender=Contact.Gender.MAN)

    segment.provinces, segment.gender = "", ""
    segment.save()

    assert set(segment_members(segment=segment, on=ON)) == {hit, other}


def test_a_purchase_in_a_cancelled_order_does_not_count_as_bought(catalog, segment):
    contact = member_make(catalog, "c@example.com", bought_in="toy")
    bought(contact, catalog["shoe"], datetime.date(2026, 6, 1), status=Order.Status.CANCELLED)

    assert segment_size(segment=segment, on=ON) == 0


def test_a_contact_matching_every_rule_without_consent_is_never_counted(catalog, segment):
    from crm.services.consent import consent_withdraw

    hit = member_make(catalog, "hit@example.com")
    member_make(catalog, "never@example.com", consents=False)
    withdrawn = member_make(catalog, "unsubscribed@example.com")
    consent_withdraw(contact=withdrawn, purpose=None, source="unsubscribe link")
    newsletter_only = member_make(catalog, "news@example.com", consents=False)
    consent(newsletter_only, purpose=ConsentEvent.Purpose.NEWSLETTER)
    erased = member_make(catalog, "erased@example.com")
    Contact.objects.filter(pk=erased.pk).update(erased_at=timezone.now())

    assert list(segment_members(segment=segment, on=timezone.localdate())) == [hit]
    assert segment_size(segment=segment) == 1
