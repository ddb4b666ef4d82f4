"""Contacts found or created from what happens in the shop (an order, a question)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order

from ..models import Contact


def contact_for_email(*, email: str, name: str = "", user=None, language: str = "en") -> Contact:
    """The customer contact of this email (created if new; a user account is linked when given). Safe when two
    requests create it at once (the unique email constraint decides, the loser reads the winner's row)."""
    email = email.strip().lower()
    contact = Contact.objects.filter(kind=Contact.Kind.CUSTOMER, email=email).first()
    if contact is None:
        try:
            with transaction.atomic():
                contact = Contact.objects.create(kind=Contact.Kind.CUSTOMER, email=email, name=name[:200] or email,
                                                 language=language)
        except IntegrityError:
            contact = Contact.objects.get(kind=Contact.Kind.CUSTOMER, email=email)
    if user is not None and user.is_authenticated and contact.user_id is None:
        if not Contact.objects.filter(user=user).exists():
            contact.user = user
            contact.save(update_fields=["user", "updated_at"])
    return contact


def orders_attach_to_user(*, user, email: str) -> int:
    """Once the account has proved it owns this email: the guest orders placed with it (any letter case) become the
    account's, and the email's customer contact is linked to it. Orders of another account are left alone.
    Returns how many orders were attached."""
    with transaction.atomic():
        attached = Order.objects.filter(user__isnull=True, email__iexact=email.strip()).update(
            user=user, updated_at=timezone.now()
        )
        contact_for_email(email=email, name=user.get_full_name(), user=user)
    return attached
