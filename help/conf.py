"""The shop's contact details, from settings when set (SHOP_CONTACT_EMAIL, SHOP_CONTACT_PHONE)."""

from email.utils import parseaddr

from django.conf import settings


def contact_email() -> str:
    return getattr(settings, "SHOP_CONTACT_EMAIL", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def contact_phone() -> str:
    """Shown only when configured: no made-up number on a real shop's page."""
    return getattr(settings, "SHOP_CONTACT_PHONE", "")
