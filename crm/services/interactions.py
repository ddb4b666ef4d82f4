"""Lines of a contact's timeline written by the shop's own processes (a quote requested, priced, accepted, ordered)."""

import datetime

from django.utils import timezone

from ..models import Contact, Interaction


def interaction_record(*, contact: Contact, subject: str, body: str = "", kind: str = Interaction.Kind.NOTE,
                       occurred_at: datetime.datetime | None = None, created_by=None,
                       is_open: bool = False) -> Interaction:
    """One line on the contact's timeline (crm admin, contact page). Runs in the caller's transaction."""
    return Interaction.objects.create(
        contact=contact, kind=kind, subject=subject[:200], body=body, occurred_at=occurred_at or timezone.now(),
        created_by=created_by if created_by is not None and getattr(created_by, "is_authenticated", False) else None,
        is_open=is_open,
    )
