"""The coupons the shop sends on its own go out once per customer, through the outbox, as single-use codes reserved
for that customer; staff approve the "we miss you" ones; only Marketing and Managers see the coupons."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon, Incentive, WinBackCandidate
from coupons.services.incentives import incentive_send, incentive_win_back_send, incentives_thank_you_due
from coupons.services.pricing import Customer, PricedLine, coupons_price
from crm.models import CustomerScore
from crm.services.consent import consent_imply, consent_withdraw
from crm.services.contacts import contact_for_email
from outbox.models import OutboxEmail

from .test_pricing import place

pytestmark = pytest.mark.django_db
LATER = timedelta(hours=2)


def test_the_welcome_coupon_is_sent_once_when_the_new_customer_confirms_their_email(client, django_user_model):
    client.post(reverse("account_signup"), {"first_name": "Ana", "last_name": "T", "email": "ana@example.com",
                                            "password1": "A-long-pass-123", "password2": "A-long-pass-123"})
    assert not Incentive.objects.exists()  # not before the address is proven
    confirm = re.search(r"/accounts/confirm-email/\S+/", OutboxEmail.objects.get().text_body).group(0)

    client.post(confirm)
    client.post(confirm)

    incentive = Incentive.objects.get()
    coupon = incentive.coupon
    assert (incentive.kind, incentive.email) == ("welcome", "ana@example.com")
    assert re.fullmatch(r"WELCOME-[A-HJ-NP-Z2-9]{8}", coupon.code)
    assert (coupon.kind, coupon.value, coupon.max_uses, coupon.max_uses_per_customer, coupon.email) == (
        "percent", Decimal("10.00"), 1, 1, "ana@example.com")
    assert (coupon.ends_at - coupon.starts_at) == timedelta(days=30)
    email = OutboxEmail.objects.get(reference=f"coupon:{coupon.code}")
    assert email.to == "ana@example.com" and coupon.code in email.text_body and "10 % off" in email.text_body


def test_sending_the_same_incentive_twice_sends_it_once(db):
    assert incentive_send(kind="welcome", email="Bo@Example.com", language="fr") is not None
    assert incentive_send(kind="welcome", email="bo@example.com", language="fr") is None
    assert Incentive.objects.count() == Coupon.objects.count() == OutboxEmail.objects.count() == 1
    assert "Cadeau de bienvenue" == Coupon.objects.get().label("fr")


def test_a_reserved_code_is_refused_to_anyone_else(db):
    coupon = incentive_send(kind="welcome", email="bo@example.com", language="en").coupon
    lines = [PricedLine(1, Decimal("20.00"), None)]
    assert coupons_price(codes=[coupon.code], lines=lines, customer=Customer(email="bo@example.com")).applied
    [refused] = coupons_price(codes=[coupon.code], lines=lines, customer=Customer(email="cy@example.com")).refused
    assert refused.message == f"The code {coupon.code} is reserved for another customer."


def test_a_thank_you_coupon_follows_a_first_order_once_and_not_a_second_order(canada, mug, kettle):
    first = place(canada, mug, kettle, "AB")
    assert incentives_thank_you_due() == 0  # not in the minute of the order confirmation

    assert incentives_thank_you_due(now=timezone.now() + LATER) == 1
    assert incentives_thank_you_due(now=timezone.now() + LATER) == 0

    incentive = Incentive.objects.get()
    assert (incentive.kind, incentive.email, incentive.coupon.kind, incentive.coupon.value,
            incentive.coupon.minimum_order) == ("thank_you", first.email, "fixed", Decimal("10.00"),
                                                Decimal("50.00"))
    email = OutboxEmail.objects.get(reference=f"coupon:{incentive.coupon.code}")
    assert "To stop receiving offers from us:" in email.text_body  # a promotion: CASL's unsubscribe link
    place(canada, mug, kettle, "AB", email="ANA@example.com")
    assert incentives_thank_you_due(now=timezone.now() + LATER) == 0
    assert Incentive.objects.count() == 1


def test_no_thank_you_coupon_for_a_customer_who_withdrew_consent_to_promotions(canada, mug, kettle):
    order = place(canada, mug, kettle, "AB")
    consent_withdraw(contact=contact_for_email(email=order.email), purpose=None, source="test")
    assert incentives_thank_you_due(now=timezone.now() + LATER) == 0
    assert not Incentive.objects.exists()


def _churned(email: str, *, consent: bool = True) -> CustomerScore:
    contact = contact_for_email(email=email, name="Cy Gagnon", language="fr")
    if consent:
        consent_imply(contact=contact, basis="implied_purchase", occurred_at=timezone.now() - timedelta(days=200),
                      source="order C-1")
    return CustomerScore.objects.create(
        contact=contact, recency=1, frequency=3, monetary=3, orders=4, revenue=Decimal("300.00"),
        last_order_on=timezone.localdate() - timedelta(days=200), tier="regular", churn_risk=True,
        churn_reason="Usually orders every 40 days.", computed_at=timezone.now())


def test_staff_approve_we_miss_you_coupons_for_flagged_customers_each_sent_once(client, staff_in):
    cy = _churned("cy@example.com")
    _churned("dee@example.com", consent=False)
    client.force_login(staff_in("Marketing"))
    url = reverse("admin:coupons_winbackcandidate_changelist")
    assert "cy@example.com" in client.get(url).content.decode()

    for _ in range(2):
        client.post(url, {"action": "win_back_send",
                          "_selected_action": list(WinBackCandidate.objects.values_list("pk", flat=True))})

    incentive = Incentive.objects.get()
    assert (incentive.kind, incentive.email, incentive.created_by.username) == ("win_back", "cy@example.com",
                                                                                "marketing")
    email = OutboxEmail.objects.get()
    assert (email.to, email.language) == ("cy@example.com", "fr")  # in the customer's language
    assert incentive.coupon.code in email.text_body and "15 % de rabais sur votre prochaine commande" in email.text_body
    assert incentive_win_back_send(contact=cy.contact, approved_by=None) is None


@pytest.mark.parametrize("group, sees", [("Marketing", True), ("Managers", True), ("Warehouse", False),
                                         ("Accounts", False), ("Store staff", False),
                                         ("Catalogue managers", False)])
def test_only_marketing_and_managers_see_the_coupons(client, staff_in, group, sees):
    client.force_login(staff_in(group))
    for name in ["coupon", "couponredemption", "incentive", "winbackcandidate"]:
        status = client.get(reverse(f"admin:coupons_{name}_changelist")).status_code
        assert status == (200 if sees else 403), name


def test_marketing_creates_a_coupon_in_the_admin_and_its_code_is_case_insensitive(client, staff_in):
    client.force_login(staff_in("Marketing"))
    response = client.post(reverse("admin:coupons_coupon_add"), {
        "code": "summer15", "description": "15% off for the summer", "description_fr": "15 % de rabais l'été",
        "is_active": "on", "kind": "percent", "value": "15", "minimum_order": "0", "max_uses_per_customer": "1"})
    assert response.status_code == 302
    assert Coupon.objects.get().code == "SUMMER15"
    # the code is found whatever the case
    assert coupons_price(codes=["Summer15"], lines=[PricedLine(1, Decimal("10.00"), None)],
                         customer=Customer()).applied[0].amount == Decimal("1.50")
