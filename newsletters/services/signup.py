"""The footer sign-up, with double opt-in: asking records a pending SignUp and emails a signed link that expires;
only opening that link records the express consent (purpose: newsletter), with the wording shown and its version.

The answer to the visitor never says whether the email is known. Asking again for the same address within
RESEND_AFTER sends nothing new (the earlier link still works): a form cannot be used to flood someone's mailbox."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from crm.models import ConsentEvent
from crm.services.consent import WORDING, WORDING_VERSION, consent_give
from crm.services.contacts import contact_for_email
from outbox.services import email_queue_rendered

from ..models import SignUp
from .rendering import language_of

CONFIRM_SALT = "newsletters.signup"
RESEND_AFTER = timedelta(minutes=10)
SOURCE = "newsletter sign-up (double opt-in)"
Purpose = ConsentEvent.Purpose


def signup_wording(language: str) -> str:
    with translation.override(language_of(language)):
        return str(WORDING[Purpose.NEWSLETTER])


def confirm_token(signup: SignUp) -> str:
    return signing.dumps(signup.pk, salt=CONFIRM_SALT)


def confirm_url(signup: SignUp) -> str:
    with translation.override(signup.language):
        path = reverse("newsletters:confirm", kwargs={"token": confirm_token(signup)})
    return settings.SHOP_BASE_URL.rstrip("/") + path


def signup_request(*, email: str, language: str, ip: str | None = None) -> SignUp | None:
    """Record the request and email the confirmation link; None when a link went to this address moments ago."""
    email = email.strip().lower()
    language = language_of(language)
    now = timezone.now()
    with transaction.atomic():
        if SignUp.objects.filter(email=email, confirmed_at__isnull=True, created_at__gt=now - RESEND_AFTER).exists():
            return None
        signup = SignUp.objects.create(email=email, language=language, wording_version=WORDING_VERSION,
                                       ip_address=ip or None, created_at=now)
        email_queue_rendered(to=email, template="emails/newsletters/confirm", language=language,
                             reference=f"signup-{signup.pk}",
                             context={"confirm_url": confirm_url(signup),
                                      "days": settings.SHOP_NEWSLETTER_CONFIRM_DAYS,
                                      "wording": signup_wording(language)})
    return signup


def signup_for_token(token: str) -> SignUp | None:
    """The sign-up a confirmation link names, or None when forged, damaged, unknown or expired."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.SHOP_NEWSLETTER_CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return SignUp.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def signup_confirm(*, signup: SignUp, ip: str | None = None) -> SignUp:
    """The link was opened: the customer contact of that email (created if new) gets express consent for the
    newsletter, with the wording and version the visitor saw (even if it already had consent: this is the
    newer proof). Opening the link again records nothing more."""
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.confirmed_at is not None:
            return signup
        contact = contact_for_email(email=signup.email, language=signup.language)
        consent_give(contact=contact, purpose=Purpose.NEWSLETTER, source=SOURCE,
                     wording=signup_wording(signup.language), wording_version=signup.wording_version, ip=ip)
        signup.confirmed_at = timezone.now()
        signup.save(update_fields=["confirmed_at"])
    return signup
