"""A returning customer is greeted by name; a top-tier customer sees a badge."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.models import Contact, CustomerScore
from crm.services.scoring import scores_changed

pytestmark = pytest.mark.django_db


def page_for(client, user):
    client.force_login(user)
    return client.get("/cart/").content.decode()


def test_a_signed_in_customer_is_greeted_by_first_name_and_a_visitor_is_not(client, django_user_model):
    ana = django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana")

    assert "Hello, Ana" not in client.get("/cart/").content.decode()
    assert "Hello, Ana" in page_for(client, ana)


def test_a_top_tier_customer_is_recognised_with_a_badge(client, django_user_model):
    ana = django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana")
    contact = Contact.objects.create(name="Ana", email="ana@example.com", user=ana)
    score = CustomerScore.objects.create(contact=contact, recency=5, frequency=5, monetary=5, orders=9,
                                         revenue=Decimal("900.00"), last_order_on=date(2026, 11, 1),
                                         tier=CustomerScore.Tier.TOP, computed_at=timezone.now())

    assert "Top customer" in page_for(client, ana)
    score.tier = CustomerScore.Tier.REGULAR
    score.save()
    scores_changed()  # as the nightly scores do once committed: the header is cached until then
    assert "Top customer" not in page_for(client, ana)


def test_a_name_with_markup_is_escaped_in_the_greeting(client, django_user_model):
    user = django_user_model.objects.create_user("x", "x@example.com", "pw", first_name="<script>alert(1)</script>")

    html = page_for(client, user)

    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_perk_staff_define_for_a_tier_is_shown_to_those_customers_only(client, django_user_model):
    from crm.models import Perk

    Perk.objects.create(tier=CustomerScore.Tier.TOP, text="Free Xpresspost on every order",
                        text_fr="Xpresspost gratuit sur chaque commande")
    ana = django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana")
    bob = django_user_model.objects.create_user("bob", "bob@example.com", "pw", first_name="Bob")
    for user, tier in ((ana, CustomerScore.Tier.TOP), (bob, CustomerScore.Tier.OCCASIONAL)):
        CustomerScore.objects.create(contact=Contact.objects.create(name=user.first_name, email=user.email, user=user),
                                     recency=3, frequency=3, monetary=3, orders=3, revenue=Decimal("100.00"),
                                     last_order_on=date(2026, 11, 1), tier=tier, computed_at=timezone.now())

    assert "Free Xpresspost on every order" in page_for(client, ana)
    client.force_login(ana)
    assert "Xpresspost gratuit sur chaque commande" in client.get("/fr/cart/").content.decode()
    assert "Free Xpresspost" not in page_for(client, bob)
