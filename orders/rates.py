"""Canadian sales tax rates in force in 2026 and the standard delivery: seeded by a migration, editable in the
admin when they change. Takes the model classes so the migration can pass its historical models."""

from decimal import Decimal

from django.utils.translation import gettext_noop

# Tax names are stored as data (and copied onto orders) in English; pages and emails show them translated.
TAX_NAMES = [gettext_noop("GST"), gettext_noop("HST"), gettext_noop("PST"), gettext_noop("QST")]

RATES = [  # province, name, rate %
    ("AB", "GST", "5"), ("BC", "GST", "5"), ("BC", "PST", "7"), ("MB", "GST", "5"), ("MB", "PST", "7"),
    ("NB", "HST", "15"), ("NL", "HST", "15"), ("NS", "HST", "14"), ("NT", "GST", "5"), ("NU", "GST", "5"),
    ("ON", "HST", "13"), ("PE", "HST", "15"), ("QC", "GST", "5"), ("QC", "QST", "9.975"), ("SK", "GST", "5"),
    ("SK", "PST", "6"), ("YT", "GST", "5"),
]


def rates_and_delivery_seed(TaxRate, DeliveryMethod) -> None:
    for position, (province, name, rate) in enumerate(RATES):
        TaxRate.objects.get_or_create(province=province, name=name,
                                      defaults={"rate": Decimal(rate), "position": position, "on_shipping": True})
    # Tests rely on this flat method; a shop's data migration retires it for the carriers (shipping.rates).
    DeliveryMethod.objects.update_or_create(code="standard", defaults={"is_active": True}, create_defaults={
        "is_active": True,
        "name": "Standard delivery (flat rate, anywhere in Canada)",
        "name_fr": "Livraison standard (tarif unique, partout au Canada)",
        "kind": "ship", "price": Decimal("12.00"), "handling_fee": Decimal("2.50"),
        "days_min": 3, "days_max": 8, "position": 0})
