"""Who a segment targets (R8, M2): every rule set on the segment must hold, and only contacts whose consent for the
segment's purpose counts that day are ever members. Erased contacts never are."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from catalog.models import Category
from orders.models import OrderLine

from ..models import Contact, Segment
from .scoring import revenue_orders


def _category_and_descendants(category_id: int) -> list[int]:
    """The category and every category below it, active or not (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, todo = [], [category_id]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo.extend(children.get(pk, ()))
    return ids


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _of_outer_contact(queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Rows of `queryset` whose order was placed by the outer contact's user account or sent to its email."""
    return queryset.filter(
        Q(**{f"{prefix}user_id": OuterRef("user_id")})
        | (~Q(**{f"{prefix}email": ""}) & Q(**{f"{prefix}email__iexact": OuterRef("email")}))
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def segment_members(*, segment: Segment, on: datetime.date | None = None) -> QuerySet[Contact]:
    """The contacts the segment targets on `on` (default: today). Orders count as in the scores: only those that
    brought money in (crm.services.scoring.revenue_orders). Dates are strict: "last order after D" means a revenue
    order on a later day, "before D" means orders, none of them on D or later. Categories include their
    subcategories. Provinces are the contact's (from their latest order or their profile, crm.services.contacts)."""
    from .consent import contacts_consenting

    on = on or timezone.localdate()
    members = Contact.objects.filter(erased_at__isnull=True)
    if provinces := [code.upper() for code in _codes(segment.provinces)]:
        members = members.filter(province__in=provinces)
    if tiers := [tier.lower() for tier in _codes(segment.tiers)]:
        members = members.filter(score__tier__in=tiers)
    if segment.gender:
        members = members.filter(gender=segment.gender)
    if segment.born_from is not None:
        members = members.filter(birth_year__gte=segment.born_from)
    if segment.born_until is not None:
        members = members.filter(birth_year__lte=segment.born_until)
    if segment.interested_in_id is not None:
        interested = Contact.interests.through.objects.filter(
            contact_id=OuterRef("pk"), category_id__in=_category_and_descendants(segment.interested_in_id))
        members = members.filter(Exists(interested))
    paid = revenue_orders()
    if segment.bought_in_id is not None:
        lines = OrderLine.objects.filter(
            order__in=paid,
            variant__product__category_id__in=_category_and_descendants(segment.bought_in_id))
        members = members.filter(Exists(_of_outer_contact(lines, "order__")))
    if segment.last_order_before is not None:
        # Has ordered, and not on or after that day.
        members = members.filter(Exists(_of_outer_contact(paid))).exclude(Exists(_of_outer_contact(
            paid.filter(created_at__gte=_local_midnight(segment.last_order_before)))))
    if segment.last_order_after is not None:
        day_after = segment.last_order_after + datetime.timedelta(days=1)
        members = members.filter(Exists(_of_outer_contact(
            paid.filter(created_at__gte=_local_midnight(day_after)))))
    consenting = contacts_consenting(purpose=segment.purpose, on=on)
    return members.filter(pk__in=consenting.values("pk")).order_by("name", "pk")


def segment_size(*, segment: Segment, on: datetime.date | None = None) -> int:
    return segment_members(segment=segment, on=on).count()
