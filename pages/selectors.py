"""Reads for the stores page, the content pages, the shipping policy and the site map."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import Http404
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language

from inventory.locations import StockLocation

from .models import NewsItem, Page, Section, StoreHours

OSM_SEARCH = "https://www.openstreetmap.org/search"
NEWS_PER_PAGE = 10


def now() -> datetime:
    """The clock the stores page reads (tests replace it)."""
    return timezone.now()


# Stores


@dataclass(frozen=True)
class Day:
    weekday: int
    opens: time | None
    closes: time | None
    closed: bool
    is_today: bool = False

    @property
    def name(self) -> str:
        return WEEKDAYS[self.weekday]


@dataclass(frozen=True)
class OpenStatus:
    """Open now (until `closes`), or closed now and opening next on `next_day` (days from today) at `next_opens`;
    no next opening when the store has no open day."""

    is_open: bool
    closes: time | None = None
    next_weekday: int | None = None
    next_in_days: int | None = None
    next_opens: time | None = None

    @property
    def next_day_name(self) -> str:
        return WEEKDAYS[self.next_weekday] if self.next_weekday is not None else ""


@dataclass(frozen=True)
class Store:
    location: StockLocation
    days: list[Day] = field(default_factory=list)
    status: OpenStatus | None = None

    @property
    def has_hours(self) -> bool:
        return any(not day.closed for day in self.days)

    @property
    def map_url(self) -> str:
        return map_url(self.location)


def map_url(location: StockLocation) -> str:
    """An OpenStreetMap search for the store's street address, URL-encoded."""
    place = " ".join(part for part in (location.province, location.postal_code) if part)
    query = ", ".join(part for part in (location.address, location.city, place, "Canada") if part)
    return f"{OSM_SEARCH}?{urlencode({'query': query})}"


def week(hours: list[StoreHours], *, today: int | None = None) -> list[Day]:
    """Monday to Sunday; a day without a row is a closed day."""
    by_day = {row.weekday: row for row in hours}
    days = []
    for weekday in range(7):
        row = by_day.get(weekday)
        is_open = row is not None and not row.closed and row.opens is not None and row.closes is not None
        days.append(Day(weekday=weekday, opens=row.opens if is_open else None, closes=row.closes if is_open else None,
                        closed=not is_open, is_today=weekday == today))
    return days


def open_status(days: list[Day], *, at: datetime) -> OpenStatus:
    """Whether the store is open at `at` (its local time) and, if not, when it opens next."""
    local = timezone.localtime(at)
    today, clock = local.weekday(), local.time()
    current = days[today]
    if not current.closed and current.opens <= clock < current.closes:
        return OpenStatus(is_open=True, closes=current.closes)
    for offset in range(8):
        day = days[(today + offset) % 7]
        if day.closed or (offset == 0 and clock >= day.opens):
            continue
        return OpenStatus(is_open=False, next_weekday=day.weekday, next_in_days=offset, next_opens=day.opens)
    return OpenStatus(is_open=False)


def store_week(location: StockLocation) -> list[Day]:
    """A store's week of hours, Monday to Sunday (the pickup emails: shipping.services.pickups.store_week_readers)."""
    return week(list(location.hours.all()))


def stores_for_site() -> list[Store]:
    """Active stores shown on the website, with their week of hours and whether they are open now."""
    at = now()
    today = timezone.localtime(at).weekday()
    locations = (StockLocation.objects.active()
                 .filter(kind=StockLocation.Kind.STORE, shown_on_site=True)
                 .prefetch_related("hours").order_by("priority", "name"))
    stores = []
    for location in locations:
        days = week(list(location.hours.all()), today=today)
        has_hours = any(not day.closed for day in days)
        stores.append(Store(location=location, days=days, status=open_status(days, at=at) if has_hours else None))
    return stores


# Content pages and news


@dataclass(frozen=True)
class SectionPages:
    section: str
    label: str
    pages: list[Page]


def about_sections() -> list[SectionPages]:
    """Published pages grouped by section, in the sections' order; empty sections left out."""
    pages = list(Page.objects.published().order_by("position", "pk"))
    return [SectionPages(section=value, label=label, pages=[p for p in pages if p.section == value])
            for value, label in Section.choices if any(p.section == value for p in pages)]


def news_latest(*, limit: int = 3) -> list[NewsItem]:
    return list(NewsItem.objects.published().order_by("-published_on", "-pk")[:limit])


def news_page(*, number) -> PaginatorPage:
    paginator = Paginator(NewsItem.objects.published().order_by("-published_on", "-pk"), NEWS_PER_PAGE)
    return paginator.get_page(number)


def _visible(queryset, *, slug: str, preview: bool):
    """The published item with this slug; staff (preview=True) also see drafts. Http404 otherwise."""
    item = queryset.filter(slug=slug).first()
    if item is None or not (item.is_published or preview):
        raise Http404
    return item


def page_visible(*, slug: str, preview: bool = False) -> Page:
    return _visible(Page.objects.all(), slug=slug, preview=preview)


def news_visible(*, slug: str, preview: bool = False) -> NewsItem:
    return _visible(NewsItem.objects.all(), slug=slug, preview=preview)


# Shipping policy


@dataclass(frozen=True)
class MethodTerms:
    name: str
    carrier: str
    level: str
    price_from: Decimal
    price_to: Decimal
    handling: Decimal
    days_min: int
    days_max: int
    max_weight_kg: Decimal | None
    not_served: list[str]


@dataclass(frozen=True)
class ShippingPolicy:
    methods: list[MethodTerms]
    pickups: list
    unserved: str
    cutoff: time
    working_days: list[str]
    orders_per_day: int
    holidays: list


def shipping_policy(*, today: date | None = None) -> ShippingPolicy:
    """The delivery terms from what staff set up: carriers' services with their price and transit ranges,
    pickup stores, regions not served, the cut-off, working days and the coming holidays."""
    from orders.models import DeliveryMethod, Province
    from shipping.models import FulfilmentCapacity, Holiday, Rate
    from shipping.services.rates import unserved_text

    language = get_language() or "en"
    today = today or timezone.localtime(now()).date()
    ships = list(DeliveryMethod.objects.filter(is_active=True, kind=DeliveryMethod.Kind.SHIP)
                 .select_related("carrier").order_by("position", "price"))
    ranges = {row["method"]: row for row in Rate.objects.filter(method__in=ships).values("method").annotate(
        price_min=Min("price"), price_max=Max("price"), days_min=Min("transit_days"), days_max=Max("transit_days"),
        weight_max=Max("max_weight_kg"))}
    provinces: dict[int, set[str]] = {}
    for method_id, codes in Rate.objects.filter(method__in=ships).values_list("method", "zone__provinces").distinct():
        provinces.setdefault(method_id, set()).update(c.strip().upper() for c in codes.split(",") if c.strip())
    methods = []
    for method in ships:
        rates = ranges.get(method.pk)
        served = provinces.get(method.pk)
        methods.append(MethodTerms(
            name=method.label(language), carrier=method.carrier.name if method.carrier else "",
            level=method.get_level_display(),
            price_from=rates["price_min"] if rates else method.price,
            price_to=rates["price_max"] if rates else method.price,
            handling=method.handling_fee,
            days_min=rates["days_min"] if rates else method.days_min,
            days_max=rates["days_max"] if rates else method.days_max,
            max_weight_kg=rates["weight_max"].normalize() if rates else None,
            not_served=[str(label) for code, label in Province.choices if code not in served] if served else [],
        ))
    pickups = list(DeliveryMethod.objects.filter(is_active=True, kind=DeliveryMethod.Kind.PICKUP)
                   .select_related("pickup_location").order_by("position", "price"))
    capacity = FulfilmentCapacity.current()
    return ShippingPolicy(
        methods=methods, pickups=pickups, unserved=unserved_text(), cutoff=capacity.cutoff,
        working_days=[WEEKDAYS[d] for d in sorted(capacity.weekdays)], orders_per_day=capacity.orders_per_day,
        holidays=list(Holiday.objects.filter(date__gte=today).order_by("date")[:6]),
    )


# Site map


@dataclass(frozen=True)
class SiteMapPages:
    sections: list[SectionPages]
    news: list[NewsItem]


def site_map_pages() -> SiteMapPages:
    return SiteMapPages(sections=about_sections(), news=list(NewsItem.objects.published()
                                                              .order_by("-published_on", "-pk")))
