"""The carriers, zones, rate tables, capacity and holidays a new shop starts with: plausible 2026 Canadian figures
from a warehouse in Calgary, all editable in the admin. Used by a data migration (historical models passed in)
and by tests."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CARRIERS = [
    # code, name, tracking link, tracking number format
    ("canada-post", "Canada Post",
     "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
     r"^(\d{16}|[A-Z]{2}\d{9}[A-Z]{2})$"),
    ("purolator", "Purolator", "https://www.purolator.com/en/shipping/tracker?pin={number}", r"^[A-Z0-9]{12}$"),
    ("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}", r"^(\d{12}|\d{15})$"),
]
# Their names in French, where French writes them differently (Purolator and FedEx do not).
CARRIER_NAMES_FR = {"canada-post": "Postes Canada"}

ZONES = [
    # name, provinces, postal-code prefixes (win over provinces)
    ("Alberta", "AB", ""),
    ("West (BC, SK, MB)", "BC, SK, MB", ""),
    ("Central (ON, QC)", "ON, QC", ""),
    ("Atlantic (NB, NS, PE, NL)", "NB, NS, PE, NL", ""),
    ("North (YT, NT)", "YT, NT", ""),
    ("Remote northern BC, AB and Quebec", "", "V0C, T0H, J0M, G0G"),
]
WEIGHT_STEPS = ["0.5", "1", "2", "5", "10", "20", "30"]
PER_KG = {"regular": Decimal("0.85"), "expedited": Decimal("1.40"), "overnight": Decimal("2.60")}

METHODS = [
    # code, carrier, name, French name, level, handling, base price (first 0.5 kg, Alberta),
    # {zone: (price factor, transit business days)} — a zone left out is not served by the method.
    ("canada-post-regular", "canada-post", "Canada Post Regular Parcel", "Postes Canada Colis standard",
     "regular", "2.50", "10.95",
     {"Alberta": ("1.00", 2), "West (BC, SK, MB)": ("1.15", 3), "Central (ON, QC)": ("1.35", 5),
      "Atlantic (NB, NS, PE, NL)": ("1.50", 7), "North (YT, NT)": ("2.10", 9),
      "Remote northern BC, AB and Quebec": ("1.90", 9)}),
    ("canada-post-xpresspost", "canada-post", "Canada Post Xpresspost", "Postes Canada Xpresspost",
     "expedited", "2.50", "16.45",
     {"Alberta": ("1.00", 1), "West (BC, SK, MB)": ("1.15", 2), "Central (ON, QC)": ("1.40", 3),
      "Atlantic (NB, NS, PE, NL)": ("1.55", 4), "North (YT, NT)": ("2.20", 6)}),
    ("purolator-ground", "purolator", "Purolator Ground", "Purolator Sol", "regular", "2.50", "11.75",
     {"Alberta": ("1.00", 1), "West (BC, SK, MB)": ("1.10", 3), "Central (ON, QC)": ("1.30", 4),
      "Atlantic (NB, NS, PE, NL)": ("1.45", 6)}),
    ("purolator-express", "purolator", "Purolator Express", "Purolator Express", "expedited", "2.50", "21.90",
     {"Alberta": ("1.00", 1), "West (BC, SK, MB)": ("1.10", 1), "Central (ON, QC)": ("1.30", 2),
      "Atlantic (NB, NS, PE, NL)": ("1.45", 2)}),
    ("fedex-economy", "fedex", "FedEx Economy", "FedEx Économie", "regular", "2.50", "12.40",
     {"Alberta": ("1.00", 2), "West (BC, SK, MB)": ("1.10", 3), "Central (ON, QC)": ("1.25", 4),
      "Atlantic (NB, NS, PE, NL)": ("1.40", 5)}),
    ("fedex-overnight", "fedex", "FedEx Priority Overnight", "FedEx Priority Overnight", "overnight", "4.00",
     "34.50",
     {"Alberta": ("1.00", 1), "West (BC, SK, MB)": ("1.05", 1), "Central (ON, QC)": ("1.15", 1),
      "Atlantic (NB, NS, PE, NL)": ("1.25", 1)}),
]

HOLIDAYS = [  # Alberta and federal holidays the warehouse and carriers observe
    ("2026-12-25", "Christmas Day"), ("2026-12-28", "Boxing Day (observed)"), ("2027-01-01", "New Year's Day"),
    ("2027-02-15", "Family Day"), ("2027-03-26", "Good Friday"), ("2027-05-24", "Victoria Day"),
    ("2027-07-01", "Canada Day"), ("2027-08-02", "Heritage Day"), ("2027-09-06", "Labour Day"),
    ("2027-10-11", "Thanksgiving"), ("2027-11-11", "Remembrance Day"), ("2027-12-27", "Christmas Day (observed)"),
    ("2027-12-28", "Boxing Day (observed)"),
]


def _price(base: Decimal, factor: Decimal, level: str, weight: Decimal) -> Decimal:
    """To the nickel, half up."""
    extra = max(weight - Decimal("0.5"), Decimal("0")) * PER_KG[level]
    nickels = ((base + extra) * factor / Decimal("0.05")).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return nickels * Decimal("0.05")


def shipping_seed(*, Carrier, Zone, Rate, DeliveryMethod, FulfilmentCapacity, Holiday) -> None:
    """Idempotent. The flat "standard" method of the first release is retired in favour of the carriers."""
    carriers = {}
    # The carrier of a migration before shipping 0007 has one name; after, one per language (shipping.translation).
    translated = any(field.name == "name_fr" for field in Carrier._meta.get_fields())
    for position, (code, name, url, pattern) in enumerate(CARRIERS):
        names = {"name": name, "name_en": name, "name_fr": CARRIER_NAMES_FR.get(code)} if translated else {"name": name}
        carriers[code], _ = Carrier.objects.get_or_create(
            code=code, defaults={**names, "tracking_url": url, "tracking_pattern": pattern, "position": position})
    zones = {}
    for name, provinces, prefixes in ZONES:
        zones[name], _ = Zone.objects.get_or_create(name=name, defaults={"provinces": provinces,
                                                                         "postal_prefixes": prefixes})
    for position, (code, carrier, name, name_fr, level, handling, base, served) in enumerate(METHODS, start=10):
        method, created = DeliveryMethod.objects.get_or_create(code=code, defaults={
            "name": name, "name_fr": name_fr, "kind": "ship", "carrier": carriers[carrier], "level": level,
            "price": Decimal(base), "handling_fee": Decimal(handling), "position": position,
            "days_min": min(days for _f, days in served.values()), "days_max": max(d for _f, d in served.values()),
        })
        if not created:
            continue
        Rate.objects.bulk_create([
            Rate(method=method, zone=zones[zone], max_weight_kg=Decimal(step), transit_days=days,
                 price=_price(Decimal(base), Decimal(factor), level, Decimal(step)))
            for zone, (factor, days) in served.items() for step in WEIGHT_STEPS
        ])
    DeliveryMethod.objects.filter(code="standard").update(is_active=False)
    FulfilmentCapacity.objects.get_or_create(pk=1)
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=date.fromisoformat(day), defaults={"name": name})
