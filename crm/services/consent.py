"""Consent (CASL and PIPEDA): every give or withdraw is a ConsentEvent, never edited; this module decides what
counts on a given day.

Rules, per contact and purpose, looking only at events that happened on or before the day asked about:
- the latest withdraw wins over every give before it; a give after it counts again;
- express consent counts until withdrawn;
- implied consent (a purchase: two years; an inquiry: six months) counts while the day is before its lapses_on;
  a later purchase or inquiry extends it (the latest lapse date after the last withdraw is the one that counts);
- no events: not counted.
Marketing purposes (newsletter, promotions) can be implied; profiling never is.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ConsentEvent, Contact

Purpose = ConsentEvent.Purpose
Action = ConsentEvent.Action
Basis = ConsentEvent.Basis

WORDING_VERSION = "2026-11"
# The exact sentence shown next to each box; recorded with every consent given.
WORDING = {
    Purpose.NEWSLETTER: gettext_lazy("Yes, email me the newsletter: new products, stories from the shop and "
                                     "events. I can unsubscribe at any time."),
    Purpose.PROMOTIONS: gettext_lazy("Yes, email me promotions and special offers. I can unsubscribe at any "
                                     "time."),
    Purpose.PROFILING: gettext_lazy("Yes, use my purchases and the optional profile details I give (birth year, "
                                    "gender, province, interests) to choose the offers sent to me. I can withdraw "
                                    "this at any time; my profile details are then deleted."),
}
IMPLIED_PURPOSES = (Purpose.NEWSLETTER, Purpose.PROMOTIONS)
IMPLIED_BASES = (Basis.IMPLIED_PURCHASE, Basis.IMPLIED_INQUIRY)
PROFILE_FIELDS = ("birth_year", "gender", "province")
ADDRESS_FIELDS = ("city", "postal_code", "province_chosen")  # change with the province the customer gives


@dataclass(frozen=True)
class ConsentState:
    counts: bool
    basis: str  # a ConsentEvent.Basis value, "" when nothing counts
    since: datetime | None  # when the give that counts was recorded
    lapses_on: date | None  # implied consent only: the first day it no longer counts
    reason: str


def add_years(day: date, years: int) -> date:
    """The same day and month `years` later; Feb 29 becomes Feb 28 in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def implied_lapses_on(*, basis: str, occurred_on: date) -> date:
    if basis == Basis.IMPLIED_PURCHASE:
        return add_years(occurred_on, 2)
    if basis == Basis.IMPLIED_INQUIRY:
        return add_months(occurred_on, 6)
    raise ValueError(f"not an implied basis: {basis!r}")


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def consent_give(*, contact: Contact, purpose: str, source: str, wording: str, wording_version: str,
                 occurred_at: datetime | None = None, ip: str | None = None, user=None) -> ConsentEvent:
    """Record express consent for one purpose, with the wording the person saw."""
    return ConsentEvent.objects.create(
        contact=contact, purpose=purpose, action=Action.GIVE, basis=Basis.EXPRESS,
        occurred_at=occurred_at or timezone.now(), source=source[:100], wording=str(wording),
        wording_version=wording_version, ip_address=ip or None, recorded_by=_user_or_none(user),
    )


def consent_withdraw(*, contact: Contact, purpose: str | None, source: str, occurred_at: datetime | None = None,
                     ip: str | None = None, user=None) -> list[ConsentEvent]:
    """Record a withdrawal for one purpose, or for every purpose when `purpose` is None (an unsubscribe). Effective
    at once. Withdrawing profiling deletes the optional profile data kept under it."""
    purposes = list(Purpose.values) if purpose is None else [purpose]
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        events = ConsentEvent.objects.bulk_create([
            ConsentEvent(contact=contact, purpose=p, action=Action.WITHDRAW, occurred_at=occurred_at,
                         source=source[:100], ip_address=ip or None, recorded_by=_user_or_none(user))
            for p in purposes
        ])
        if Purpose.PROFILING in purposes:
            contact_profile_clear(contact=contact)
    return events


def consent_imply(*, contact: Contact, basis: str, occurred_at: datetime, source: str) -> list[ConsentEvent]:
    """Record implied consent from a purchase or an inquiry for the marketing purposes (never profiling), lapsing
    two years (purchase) or six months (inquiry) after. A purpose the contact has withdrawn (latest event is a
    withdraw) is skipped: buying again does not undo an unsubscribe, only express consent does."""
    if basis not in IMPLIED_BASES:
        raise ValueError(f"not an implied basis: {basis!r}")
    lapses_on = implied_lapses_on(basis=basis, occurred_on=_local_date(occurred_at))
    # A contact created by this very purchase has withdrawn nothing yet.
    withdrawn = set() if getattr(contact, "created_now", False) else set(
        ConsentEvent.objects.filter(contact=contact, purpose__in=IMPLIED_PURPOSES, action=Action.WITHDRAW)
        .exclude(Exists(ConsentEvent.objects.filter(contact=contact, purpose=OuterRef("purpose"),
                                                    action=Action.GIVE, occurred_at__gt=OuterRef("occurred_at"))))
        .values_list("purpose", flat=True)
    )
    return ConsentEvent.objects.bulk_create([
        ConsentEvent(contact=contact, purpose=purpose, action=Action.GIVE, basis=basis, occurred_at=occurred_at,
                     lapses_on=lapses_on, source=source[:100])
        for purpose in IMPLIED_PURPOSES if purpose not in withdrawn
    ])


def _province_by_hand(contact: Contact, province: str) -> None:
    """The province the customer gives (or removes) in their profile: chosen from now on (orders to another province
    no longer change it, crm.services.contacts); the city and postal code of another province go with it."""
    if province != contact.province:
        contact.city = contact.postal_code = ""
    contact.province, contact.province_chosen = province, bool(province)


def contact_profile_clear(*, contact: Contact) -> None:
    """Delete the optional profile data (kept only with profiling consent). The province goes only if the customer
    gave it in their profile; one from their orders is their delivery address, kept as the orders are."""
    contact.birth_year, contact.gender = None, ""
    if contact.province_chosen:
        _province_by_hand(contact, "")
    contact.save(update_fields=[*PROFILE_FIELDS, *ADDRESS_FIELDS, "updated_at"])
    contact.interests.clear()


def contact_profile_update(*, contact: Contact, birth_year: int | None, gender: str, province: str,
                           interests) -> Contact:
    """Save the optional profile data; refused unless profiling consent counts today."""
    if not consent_state(contact=contact, purpose=Purpose.PROFILING, on=timezone.localdate()).counts:
        raise PermissionError("profiling consent does not count")
    with transaction.atomic():
        contact.birth_year, contact.gender = birth_year, gender
        _province_by_hand(contact, province)
        contact.save(update_fields=[*PROFILE_FIELDS, *ADDRESS_FIELDS, "updated_at"])
        contact.interests.set(interests)
    return contact


def state_from_events(events, *, on: date) -> ConsentState:
    """The state for one purpose from its events (any order); only events on or before `on` are considered."""
    events = sorted((e for e in events if _local_date(e.occurred_at) <= on), key=lambda e: (e.occurred_at, e.pk))
    if not events:
        return ConsentState(False, "", None, None, _("No consent recorded."))
    last_withdraw = next((e for e in reversed(events) if e.action == Action.WITHDRAW), None)
    gives = [e for e in events if e.action == Action.GIVE
             and (last_withdraw is None or e.occurred_at > last_withdraw.occurred_at)]
    express = [e for e in gives if e.basis == Basis.EXPRESS]
    if express:
        since = express[0].occurred_at
        return ConsentState(True, Basis.EXPRESS, since, None,
                            _("Express consent given on %(day)s.") % {"day": _local_date(since)})
    implied = [e for e in gives if e.basis in IMPLIED_BASES and e.lapses_on]
    if implied:
        latest = max(implied, key=lambda e: (e.lapses_on, e.occurred_at))
        if on < latest.lapses_on:
            return ConsentState(True, latest.basis, latest.occurred_at, latest.lapses_on,
                                _("Implied consent until %(day)s.") % {"day": latest.lapses_on})
        return ConsentState(False, "", None, latest.lapses_on,
                            _("Implied consent lapsed on %(day)s.") % {"day": latest.lapses_on})
    if last_withdraw is not None:
        return ConsentState(False, "", None, None,
                            _("Withdrawn on %(day)s.") % {"day": _local_date(last_withdraw.occurred_at)})
    return ConsentState(False, "", None, None, _("No consent recorded."))


def consent_state(*, contact: Contact, purpose: str, on: date) -> ConsentState:
    return state_from_events(ConsentEvent.objects.filter(contact=contact, purpose=purpose), on=on)


def consent_states(*, contact: Contact, on: date) -> dict[str, ConsentState]:
    """Every purpose's state in one query."""
    events = list(ConsentEvent.objects.filter(contact=contact))
    return {p: state_from_events([e for e in events if e.purpose == p], on=on) for p in Purpose.values}


def contacts_consenting(*, purpose: str, on: date) -> QuerySet[Contact]:
    """Contacts whose consent for `purpose` counts on `on`, erased contacts excluded; one SQL query, composable
    with further filters (segments build on it). A give counts when it is express or its implied consent has not
    lapsed, and no withdraw of the same purpose was recorded at or after it (up to `on`)."""
    up_to_on = Q(occurred_at__date__lte=on)
    later_withdraw = ConsentEvent.objects.filter(
        up_to_on, contact=OuterRef("contact"), purpose=purpose, action=Action.WITHDRAW,
        occurred_at__gte=OuterRef("occurred_at"),
    )
    counting_give = ConsentEvent.objects.filter(
        up_to_on, Q(basis=Basis.EXPRESS) | Q(basis__in=IMPLIED_BASES, lapses_on__gt=on),
        contact=OuterRef("pk"), purpose=purpose, action=Action.GIVE,
    ).filter(~Exists(later_withdraw))
    return Contact.objects.filter(Exists(counting_give), erased_at__isnull=True)


def consent_log(*, contact: Contact) -> QuerySet[ConsentEvent]:
    """The contact's consent records, newest first, for display."""
    return ConsentEvent.objects.filter(contact=contact).order_by("-occurred_at", "-pk")


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


UNSUBSCRIBE_SALT = "crm.unsubscribe"


def unsubscribe_token(contact: Contact) -> str:
    return signing.dumps(contact.pk, salt=UNSUBSCRIBE_SALT)


def contact_for_unsubscribe_token(token: str) -> Contact | None:
    """The contact a signed unsubscribe token names, or None when the token is forged, damaged or unknown. Tokens
    never expire: an unsubscribe link must keep working (CASL: at least 60 days after the message)."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Contact.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe_url(contact: Contact) -> str:
    """The absolute link, for newsletters and promotions, that withdraws every consent without signing in."""
    path = reverse("crm:unsubscribe", kwargs={"token": unsubscribe_token(contact)})
    return settings.SHOP_BASE_URL.rstrip("/") + path
