"""The coupons the shop sends on its own, each at most once per customer and kind (Incentive's unique constraint):
a welcome coupon on registration, a thank-you coupon after a first order, a "we miss you" coupon for a customer
the churn alert flags, once staff approve it. Each is a single-use code reserved for that customer, generated at
random, with its amount and validity from settings.SHOP_INCENTIVES. The email goes through the outbox, written in
the same transaction as the coupon.

The thank-you and "we miss you" emails are promotions: they go only to a customer whose consent for promotions
counts today (CASL; a purchase implies it for two years). The welcome coupon is part of the account's welcome."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from crm.models import ConsentEvent, Contact
from crm.services.consent import consent_state, unsubscribe_url
from orders.models import Order
from outbox.services import email_queue_rendered

from ..models import Coupon, Incentive

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read from an email and typed
PREFIX = {Incentive.Kind.WELCOME: "WELCOME", Incentive.Kind.THANK_YOU: "THANKS", Incentive.Kind.WIN_BACK: "MISSYOU"}
DESCRIPTION = {  # what the shopper sees on the cart, both languages (stored on the coupon)
    Incentive.Kind.WELCOME: ("Welcome gift", "Cadeau de bienvenue"),
    Incentive.Kind.THANK_YOU: ("Thank you for your first order", "Merci pour votre première commande"),
    Incentive.Kind.WIN_BACK: ("We miss you", "Vous nous manquez"),
}


def random_code(kind: str) -> str:
    return f"{PREFIX[kind]}-" + "".join(secrets.choice(ALPHABET) for _ in range(8))


def _coupon_create(*, kind: str, email: str) -> Coupon:
    terms = settings.SHOP_INCENTIVES[kind]
    now = timezone.now()
    description, description_fr = DESCRIPTION[kind]
    return Coupon.objects.create(
        code=random_code(kind), description=description, description_fr=description_fr,
        kind=terms["kind"], value=Decimal(terms["value"]), minimum_order=Decimal(terms.get("minimum_order", "0")),
        starts_at=now, ends_at=now + timedelta(days=terms["valid_days"]),
        max_uses=1, max_uses_per_customer=1, stackable=False, email=email,
    )


def incentive_send(*, kind: str, email: str, language: str, name: str = "", contact: Contact | None = None,
                   created_by=None) -> Incentive | None:
    """The incentive `kind` for `email`, with its coupon and its email in the outbox; None when this customer
    already had it (sending twice, concurrently or not, sends once)."""
    email = email.strip().lower()
    if not email or Incentive.objects.filter(kind=kind, email=email).exists():
        return None
    try:
        with transaction.atomic():
            coupon = _coupon_create(kind=kind, email=email)
            incentive = Incentive.objects.create(kind=kind, email=email, coupon=coupon, created_by=created_by)
            email_queue_rendered(
                to=email, template=f"emails/coupons/{kind}", language=language, reference=f"coupon:{coupon.code}",
                context={"coupon": coupon, "name": name, "language": language,
                         "cart_url": settings.SHOP_BASE_URL.rstrip("/") + reverse("orders:cart_detail"),
                         "unsubscribe_url": unsubscribe_url(contact) if contact is not None else ""})
    except IntegrityError:  # the same customer's incentive, sent by a concurrent call
        return None
    return incentive


def _promotions_allowed(contact: Contact | None) -> bool:
    return contact is not None and not contact.erased_at and consent_state(
        contact=contact, purpose=ConsentEvent.Purpose.PROMOTIONS, on=timezone.localdate()).counts


def incentive_welcome_send(*, user, language: str) -> Incentive | None:
    """On registration (accounts.forms.SignupForm)."""
    return incentive_send(kind=Incentive.Kind.WELCOME, email=user.email, language=language,
                          name=user.first_name)


def _contact_for(*, email: str, user) -> Contact | None:
    if user is not None:
        contact = Contact.objects.filter(user=user).first()
        if contact is not None:
            return contact
    return Contact.objects.filter(email__iexact=email).order_by("pk").first()


def incentive_thank_you_send(*, order_id: int) -> Incentive | None:
    """After a customer's first order (incentives_thank_you_due)."""
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None:
        return None
    email = order.user.email if order.user is not None and order.user.email else order.email
    earlier = Order.objects.filter(created_at__lte=order.created_at).exclude(pk=order.pk)
    if earlier.filter(email__iexact=email).exists() or (
            order.user_id is not None and earlier.filter(user_id=order.user_id).exists()):
        return None
    contact = _contact_for(email=email, user=order.user)
    if not _promotions_allowed(contact):
        return None
    return incentive_send(kind=Incentive.Kind.THANK_YOU, email=email, language=order.language,
                          name=order.ship_name, contact=contact)


def incentives_thank_you_due(*, now=None, limit: int = 500) -> int:
    """The periodic job (SHOP_JOBS "coupons-thank-you"): a thank-you coupon for each first order placed between
    SHOP_THANK_YOU_AFTER_HOURS and a week ago (not the minute of the order confirmation; a run missed while the
    workers were down is caught up). How many were sent."""
    now = now or timezone.now()
    placed_before = now - timedelta(hours=settings.SHOP_THANK_YOU_AFTER_HOURS)
    thanked = Incentive.objects.filter(kind=Incentive.Kind.THANK_YOU, email=Lower(OuterRef("email")))
    orders = (Order.objects.filter(created_at__gte=now - timedelta(days=7), created_at__lte=placed_before)
              .exclude(status=Order.Status.CANCELLED).filter(~Exists(thanked)).order_by("created_at", "pk")
              .values_list("pk", flat=True)[:limit])
    return sum(1 for order_id in orders if incentive_thank_you_send(order_id=order_id) is not None)


def incentive_win_back_send(*, contact: Contact, approved_by) -> Incentive | None:
    """Staff approved it for a customer the churn alert flags (coupons.admin)."""
    if not contact.email or not _promotions_allowed(contact):
        return None
    return incentive_send(kind=Incentive.Kind.WIN_BACK, email=contact.email, language=contact.language or "en",
                          name=contact.name, contact=contact, created_by=approved_by)
