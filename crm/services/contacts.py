"""Contacts found or created from what happens in the shop (an order, a question).

A customer's address is the one of their latest order: people move, and segments by province should follow them.
One exception: a customer who gave their province in their profile (Contact.province_chosen) told us where they
live, and an order delivered to another province (a gift, a cottage) does not move them; an order within that
province still refreshes the city and postal code. An order that gives only a province (a pickup with no address
typed: the store's province) fills in a contact that has none, and never replaces a known address.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order

from ..models import Contact


@dataclass(frozen=True)
class Address:
    """Where a customer lives, as an order tells it."""

    city: str = ""
    province: str = ""
    postal_code: str = ""


def _address_changes(contact: Contact, address: Address) -> dict[str, str]:
    """The address fields to change on the contact for this order's address (see the module's docstring)."""
    if not address.province:
        return {}
    if contact.province_chosen and contact.province and address.province != contact.province:
        return {}
    if address.city or address.postal_code:
        wanted = {"city": address.city[:100], "province": address.province, "postal_code": address.postal_code[:7]}
    elif not contact.province:
        wanted = {"province": address.province}
    else:
        return {}
    return {field: value for field, value in wanted.items() if getattr(contact, field) != value}


def contact_for_email(*, email: str, name: str = "", user=None, language: str = "en",
                      address: Address | None = None) -> Contact:
    """The customer contact of this email (created if new, with the address and the user account when given;
    `created_now` tells which), carrying the order's `address` when one is given. Safe when two requests create it
    at once (the unique email constraint decides, the loser reads the winner's row)."""
    email = email.strip().lower()
    contact = Contact.objects.filter(kind=Contact.Kind.CUSTOMER, email=email).first()
    if contact is None:
        new = Contact(kind=Contact.Kind.CUSTOMER, email=email, name=name[:200] or email, language=language)
        for field, value in (_address_changes(new, address) if address is not None else {}).items():
            setattr(new, field, value)
        if user is not None and user.is_authenticated and not Contact.objects.filter(user=user).exists():
            new.user = user
        try:
            with transaction.atomic():
                new.save(force_insert=True)
            new.created_now = True
            return new
        except IntegrityError:
            contact = Contact.objects.get(kind=Contact.Kind.CUSTOMER, email=email)
    contact.created_now = False
    changed = []
    if address is not None:
        for field, value in _address_changes(contact, address).items():
            setattr(contact, field, value)
            changed.append(field)
    if user is not None and user.is_authenticated and contact.user_id is None:
        if not Contact.objects.filter(user=user).exists():
            contact.user = user
            changed.append("user")
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    return contact


def orders_attach_to_user(*, user, email: str, language: str = "en") -> int:
    """Once the account has proved it owns this email: the guest orders placed with it (any letter case) become the
    account's, and the email's customer contact is linked to it (created in `language`, the one the customer
    confirmed in, when new). Orders of another account are left alone. Returns how many orders were attached."""
    with transaction.atomic():
        attached = Order.objects.filter(user__isnull=True, email__iexact=email.strip()).update(
            user=user, updated_at=timezone.now()
        )
        contact_for_email(email=email, name=user.get_full_name(), user=user,
                          language="fr" if (language or "").startswith("fr") else "en")
    return attached
