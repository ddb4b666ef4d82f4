"""Demo data: a small Alberta shop with a warehouse, two stores, a category tree, products with pictures and
variants, staff accounts. Every function is idempotent: running the seed twice changes nothing."""

import colorsys
import hashlib
import importlib.util
import inspect
import io
import itertools
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from catalog import page_cache
from catalog.models import Category, Product, ProductImage, ProductVariant
from inventory import services as stock_services
from inventory.locations import StockLocation
from inventory.selectors import stocked_pairs
from shipping.services.table import shipping_changed

TOP_CATEGORIES = ["Books", "Clothing", "Electronics", "Garden", "Home", "Kitchen", "Music", "Outdoors", "Sports",
                  "Toys"]
SUBCATEGORIES = {
    "Clothing": ["Jackets", "T-shirts"],
    "Kitchen": ["Mugs", "Kettles"],
    "Outdoors": ["Tents", "Backpacks"],
}

# (name, category, price, warehouse units, {store code: units}, options)
DEMO_PRODUCTS = [
    ("Prairie Wool Toque", "Clothing", "24.00", 40, {"yyc": 6, "yeg": 4}, {"featured": True}),
    ("Chinook Rain Jacket", "Jackets", "149.00", 0, {}, {"sizes": ["S", "M", "L"], "colours": ["Red", "Navy"],
                                                           "featured": True}),
    ("Foothills Fleece Jacket", "Jackets", "89.50", 0, {}, {"sizes": ["S", "M", "L", "XL"]}),
    ("Bow River T-shirt", "T-shirts", "29.99", 0, {}, {"sizes": ["S", "M", "L"], "colours": ["White", "Green"]}),
    ("Stampede Souvenir T-shirt", "T-shirts", "19.99", 12, {"yyc": 30}, {"store_only": True}),
    ("Stoneware Mug", "Mugs", "18.00", 2, {"yeg": 5}, {"featured": True}),
    ("Enamel Camp Mug", "Mugs", "14.50", 0, {"yyc": 3}, {"backorder_days": 10}),
    ("Gooseneck Kettle", "Kettles", "79.00", 15, {}, {"featured": True}),
    ("Whistling Kettle", "Kettles", "45.00", 1, {"yeg": 2}, {}),
    ("Cast Iron Skillet", "Kitchen", "59.95", 25, {"yyc": 4}, {}),
    ("Two-Person Tent", "Tents", "229.00", 6, {"yeg": 1}, {"featured": True}),
    ("Family Cabin Tent", "Tents", "489.00", 3, {}, {}),
    ("Daypack 20 L", "Backpacks", "64.00", 18, {"yyc": 2, "yeg": 2}, {"colours": ["Black", "Orange"]}),
    ("Trekking Pack 55 L", "Backpacks", "199.00", 4, {}, {}),
    ("Rocky Mountain Field Guide", "Books", "32.00", 22, {"yyc": 3}, {"featured": True}),
    ("Prairie Cookbook", "Books", "38.50", 9, {}, {}),
    ("Bluetooth Speaker", "Electronics", "89.99", 14, {"yeg": 2}, {}),
    ("Headlamp", "Electronics", "34.99", 50, {}, {}),
    ("Cedar Planter Box", "Garden", "74.00", 8, {}, {}),
    ("Heirloom Seed Kit", "Garden", "21.00", 60, {"yyc": 10}, {"featured": True}),
    ("Wool Throw Blanket", "Home", "119.00", 7, {"yeg": 2}, {}),
    ("Beeswax Candle Set", "Home", "26.00", 0, {"yyc": 5, "yeg": 3}, {}),
    ("Fiddle Tune Collection (CD)", "Music", "17.00", 11, {}, {}),
    ("Harmonica in C", "Music", "42.00", 5, {}, {}),
    ("Hockey Stick", "Sports", "99.00", 16, {"yyc": 4, "yeg": 4}, {"sizes": ["Junior", "Senior"]}),
    ("Cross-Country Ski Wax", "Sports", "15.00", 30, {}, {}),
    ("Wooden Puzzle", "Toys", "28.00", 10, {}, {"featured": True}),
    ("Plush Moose", "Toys", "22.00", 35, {"yeg": 6}, {}),
    # Made to order (quotes app): no stock, an estimate, "Ask for a quote".
    ("Harvest Table", "Home", "900.00", 0, {}, {"made_to_order": ("900.00", "1400.00", "depending on size and wood",
                                                                  "selon la taille et le bois")}),
]

# French names staff would type in the admin's French fields.
FRENCH_NAMES = {
    "Books": "Livres", "Clothing": "Vêtements", "Electronics": "Électronique", "Garden": "Jardin",
    "Home": "Maison", "Kitchen": "Cuisine", "Music": "Musique", "Outdoors": "Plein air", "Sports": "Sports",
    "Toys": "Jouets", "Jackets": "Manteaux", "T-shirts": "T-shirts", "Mugs": "Tasses", "Kettles": "Bouilloires",
    "Tents": "Tentes", "Backpacks": "Sacs à dos",
    "Prairie Wool Toque": "Tuque en laine des Prairies", "Chinook Rain Jacket": "Imperméable Chinook",
    "Foothills Fleece Jacket": "Veste polaire Foothills", "Bow River T-shirt": "T-shirt rivière Bow",
    "Stampede Souvenir T-shirt": "T-shirt souvenir du Stampede", "Stoneware Mug": "Tasse en grès",
    "Enamel Camp Mug": "Tasse de camping émaillée", "Gooseneck Kettle": "Bouilloire col de cygne",
    "Whistling Kettle": "Bouilloire à sifflet", "Cast Iron Skillet": "Poêle en fonte",
    "Two-Person Tent": "Tente deux places", "Family Cabin Tent": "Tente familiale chalet",
    "Daypack 20 L": "Sac de jour 20 L", "Trekking Pack 55 L": "Sac de randonnée 55 L",
    "Rocky Mountain Field Guide": "Guide de terrain des Rocheuses", "Prairie Cookbook": "Livre de cuisine des Prairies",
    "Bluetooth Speaker": "Haut-parleur Bluetooth", "Headlamp": "Lampe frontale",
    "Cedar Planter Box": "Jardinière en cèdre", "Heirloom Seed Kit": "Trousse de semences patrimoniales",
    "Wool Throw Blanket": "Jeté en laine", "Beeswax Candle Set": "Ensemble de bougies en cire d'abeille",
    "Fiddle Tune Collection (CD)": "Airs de violon (CD)", "Harmonica in C": "Harmonica en do",
    "Hockey Stick": "Bâton de hockey", "Cross-Country Ski Wax": "Fart de ski de fond",
    "Wooden Puzzle": "Casse-tête en bois", "Plush Moose": "Orignal en peluche", "Harvest Table": "Table de ferme",
}

# Names and hours summaries in English and French, as staff would type them in the admin's two columns.
LOCATIONS = [
    {"code": "wh", "name_en": "Calgary Warehouse", "name_fr": "Entrepôt de Calgary",
     "kind": StockLocation.Kind.WAREHOUSE, "ships_online": True,
     "address": "4410 Blackfoot Trail SE", "city": "Calgary", "province": "AB", "priority": 0,
     "opening_hours_en": "", "opening_hours_fr": ""},
    {"code": "yyc", "name_en": "Calgary — Kensington store", "name_fr": "Calgary — magasin Kensington",
     "kind": StockLocation.Kind.STORE, "ships_online": False,
     "address": "1130 Kensington Rd NW", "city": "Calgary", "province": "AB", "postal_code": "T2N 3P3",
     "phone": "+1 403-555-0111", "priority": 10,
     "opening_hours_en": "Mon–Sat 10:00–18:00", "opening_hours_fr": "Lun.–sam. 10 h–18 h"},
    {"code": "yeg", "name_en": "Edmonton — Whyte Avenue store", "name_fr": "Edmonton — magasin Whyte Avenue",
     "kind": StockLocation.Kind.STORE, "ships_online": False,
     "address": "10330 82 Ave NW", "city": "Edmonton", "province": "AB", "postal_code": "T6E 1Z8",
     "phone": "+1 780-555-0122", "priority": 20,
     "opening_hours_en": "Mon–Sat 10:00–18:00", "opening_hours_fr": "Lun.–sam. 10 h–18 h"},
]

# Option values in French where French writes them differently (sizes S, M, L, XL, Junior and Senior do not).
FRENCH_OPTIONS = {"Red": "Rouge", "Navy": "Marine", "White": "Blanc", "Green": "Vert", "Black": "Noir",
                  "Orange": "Orange"}


def demo_image(text: str, *, size: int = 800) -> ContentFile:
    """A plain picture with the product's initials on a colour drawn from its name."""
    hue = int(hashlib.sha1(text.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = (int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.35, 0.9))
    img = Image.new("RGB", (size, size), (r, g, b))
    draw = ImageDraw.Draw(img)
    initials = "".join(word[0] for word in text.split()[:3]).upper()
    draw.text((size * 0.3, size * 0.4), initials, fill=(40, 40, 40), font_size=size // 5)
    out = io.BytesIO()
    img.save(out, "PNG")
    return ContentFile(out.getvalue(), name=f"{slugify(text)}.png")


def locations_seed() -> dict[str, StockLocation]:
    from pages.services import store_hours_default

    found = {}
    for spec in LOCATIONS:
        location, _created = StockLocation.objects.get_or_create(code=spec["code"], defaults=spec)
        if location.kind == StockLocation.Kind.STORE:
            store_hours_default(location=location)  # Monday–Saturday 10:00–18:00 unless it has hours already
        found[spec["code"]] = location
    return found


def pickup_methods_seed(locations: dict[str, StockLocation]) -> None:
    """Free in-store pickup at each store."""
    from orders.models import DeliveryMethod

    for position, location in enumerate(loc for loc in locations.values() if loc.kind == StockLocation.Kind.STORE):
        DeliveryMethod.objects.get_or_create(
            code=f"pickup-{location.code}",
            defaults={"name": f"Pick up in store: {location.name_en}",
                      "name_fr": f"Cueillette en magasin : {location.name_fr or location.name_en}",
                      "kind": DeliveryMethod.Kind.PICKUP, "price": Decimal("0"), "handling_fee": Decimal("0"),
                      "pickup_location": location, "days_min": 1, "days_max": 3, "position": 10 + position},
        )
    transaction.on_commit(shipping_changed)  # running shops read the new methods at once


def categories_seed() -> dict[str, Category]:
    found = {}
    for position, name in enumerate(TOP_CATEGORIES):
        found[name], _ = Category.objects.get_or_create(
            slug=slugify(name), defaults={"name_en": name, "name_fr": FRENCH_NAMES.get(name), "position": position}
        )
    for parent, children in SUBCATEGORIES.items():
        for position, name in enumerate(children):
            found[name], _ = Category.objects.get_or_create(
                slug=slugify(name), defaults={"name_en": name, "name_fr": FRENCH_NAMES.get(name), "position": position,
                                              "parent": found[parent]}
            )
    return found


def staff_seed() -> list[str]:
    """Demo accounts. Returns lines describing the accounts created. The groups by role exist in every database
    after `migrate` (the staff app); the counter clerk joins "Store staff"."""
    created = []
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", "admin")
        created.append("admin / admin (superuser)")
    if not User.objects.filter(username="counter").exists():
        user = User.objects.create_user("counter", "counter@example.com", "counter", is_staff=True,
                                        first_name="Counter", last_name="Staff")
        user.groups.add(Group.objects.get(name="Store staff"))
        created.append("counter / counter (store staff)")
    return created


DEMO_COST_SHARE = Decimal("0.55")  # what a unit costs the shop, as a share of its price: a plausible retail margin


def _demo_cost(price) -> Decimal:
    """A plausible cost price for a demo or benchmark SKU: 55 % of its price, to the cent."""
    return (Decimal(price) * DEMO_COST_SHARE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _sku(name: str, suffix: str = "") -> str:
    base = "".join(w[:3] for w in slugify(name).split("-"))[:12].upper()
    return f"DEMO-{base}{('-' + suffix) if suffix else ''}"


def french_fill() -> None:
    """The French of a demo shop seeded before its stores and option values had French columns: filled where still
    empty (staff-typed French is never overwritten)."""
    from orders.models import DeliveryMethod

    for spec in LOCATIONS:
        StockLocation.objects.filter(code=spec["code"], name_en=spec["name_en"], name_fr__isnull=True).update(
            name_fr=spec["name_fr"], opening_hours_fr=spec["opening_hours_fr"])
        DeliveryMethod.objects.filter(code=f"pickup-{spec['code']}",
                                      name_fr=f"Cueillette en magasin : {spec['name_en']}").update(
            name_fr=f"Cueillette en magasin : {spec['name_fr']}")
    for english, french in FRENCH_OPTIONS.items():
        ProductVariant.objects.filter(sku__startswith="DEMO-", colour_en=english, colour_fr__isnull=True).update(
            colour_fr=french)


@transaction.atomic
def demo_products_seed(*, with_images: bool = True) -> int:
    locations = locations_seed()
    pickup_methods_seed(locations)
    french_fill()
    categories = categories_seed()
    created = 0
    receipts = []
    for name, category, price, warehouse_units, store_units, options in DEMO_PRODUCTS:
        slug = slugify(name)
        product, was_created = Product.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name,
                "name_fr": FRENCH_NAMES.get(name),
                "category": categories[category],
                "description_en": f"{name}: made to last, chosen by our staff for Alberta's seasons.",
                "description_fr": f"{FRENCH_NAMES.get(name, name)} : fait pour durer, choisi par notre équipe "
                                  "pour les saisons de l'Alberta.",
                "sold_online": not options.get("store_only", False),
                "is_featured": options.get("featured", False),
                # Sold out online but on order from the supplier: shoppers may order it now, it ships later.
                "allow_backorder": "backorder_days" in options,
                "restock_expected_on": (timezone.localdate() + timedelta(days=options["backorder_days"])
                                        if "backorder_days" in options else None),
                **_made_to_order(options.get("made_to_order")),
            },
        )
        if not was_created:
            continue
        created += 1
        combos = [(s, c) for s in options.get("sizes", [""]) for c in options.get("colours", [""])]
        for position, (size, colour) in enumerate(combos):
            suffix = "-".join(slugify(p).upper()[:3] for p in (size, colour) if p)
            variant = ProductVariant.objects.create(
                product=product, sku=_sku(name, suffix), size_en=size, colour_en=colour,
                colour_fr=FRENCH_OPTIONS.get(colour), price=Decimal(price),
                cost_price=_demo_cost(price),
                weight_grams=500 + 100 * position, length_cm=Decimal("30"), width_cm=Decimal("20"),
                height_cm=Decimal("10"), position=position,
            )
            units = {"wh": warehouse_units, **store_units}
            if len(combos) > 1:  # spread stock over the variants, leaving one sold out online
                units = {"wh": 0 if position == len(combos) - 1 else 3 + position * 2, "yyc": 1 if position == 0 else 0}
            for code, quantity in units.items():
                if quantity:
                    receipts.append((variant.pk, locations[code].pk, quantity))
        if with_images:
            ProductImage.objects.create(product=product, image=demo_image(name), alt_text_en=name,
                                        alt_text_fr=FRENCH_NAMES.get(name), position=0)
    new_receipts = _without_stock(receipts)
    if new_receipts:
        stock_services.stock_receive_many(lines=new_receipts, reason="Demo opening stock", reference="DEMO")
    transaction.on_commit(page_cache.catalog_changed)
    return created


def _made_to_order(estimate) -> dict:
    """A made-to-order product's fields from (from, to, note in English, note in French)."""
    if not estimate:
        return {}
    low, high, note_en, note_fr = estimate
    return {"made_to_order": True, "estimate_from": Decimal(low), "estimate_to": Decimal(high),
            "estimate_note_en": note_en, "estimate_note_fr": note_fr}


def _without_stock(lines):
    existing = stocked_pairs([v for v, _l, _q in lines])
    return [(v, loc, q) for v, loc, q in lines if (v, loc) not in existing]


class CatalogueTooSmall(ValueError):
    """The standard catalogue generator cannot give as many products as asked."""


def _catalogue_module():
    """The standard benchmark catalogue: shared/bench beside the repository, else the copy in bench/."""
    candidates = [settings.BASE_DIR.parent / "shared" / "bench" / "catalogue_data.py",
                  settings.BASE_DIR / "bench" / "catalogue_data.py"]
    path = next(p for p in candidates if Path(p).exists())
    spec = importlib.util.spec_from_file_location("catalogue_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue_rows(module, count: int):
    """The first `count` rows of the generator. A generator that takes a count gives any number; an older one
    (products() without arguments) stops at its N_PRODUCTS: asking it for more is refused before anything is
    loaded, never cut short in silence."""
    if "count" in inspect.signature(module.products).parameters:
        return module.products(count)
    if count > module.N_PRODUCTS:
        raise CatalogueTooSmall(
            f"The standard catalogue at {module.__file__} has {module.N_PRODUCTS:,} products and cannot make more: "
            f"{count:,} were asked for. Use a copy of shared/bench/catalogue_data.py whose products() takes a count."
        )
    return itertools.islice(module.products(), count)


def catalogue_products_seed(*, count: int, progress=lambda done: None, batch: int = 1000) -> int:
    """Load the first `count` products of the standard catalogue (prices taken as CAD, stock at the warehouse),
    `batch` products per transaction; returns how many were created. Products already there (by SKU) are skipped,
    so a second run only reads. `progress(n)` is called after each batch with the number of rows it covered.
    Raises CatalogueTooSmall when the generator cannot give `count` products."""
    module = _catalogue_module()
    rows = _catalogue_rows(module, count)
    locations = locations_seed()
    categories = categories_seed()
    warehouse = locations["wh"]
    created = seen = 0
    while chunk := list(itertools.islice(rows, batch)):
        seen += len(chunk)
        existing = set(ProductVariant.objects.filter(sku__in=[r["sku"] for r in chunk])
                       .values_list("sku", flat=True))
        chunk = [r for r in chunk if r["sku"] not in existing]
        if chunk:
            created += _catalogue_batch_create(module, chunk, categories=categories, warehouse=warehouse)
        progress(seen)
    if seen < count:
        raise CatalogueTooSmall(f"The standard catalogue gave only {seen:,} products of the {count:,} asked for.")
    return created


@transaction.atomic
def _catalogue_batch_create(module, chunk, *, categories, warehouse) -> int:
    products = Product.objects.bulk_create([
        Product(
            category=categories[module.CATEGORY_NAMES[r["category_index"]]],
            name=r["title"],
            slug=slugify(r["title"]),
            description=r["description"],
            is_featured=r["n"] <= 8,
        )
        for r in chunk
    ])
    variants = ProductVariant.objects.bulk_create([
        ProductVariant(product=p, sku=r["sku"], price=r["price"], cost_price=_demo_cost(r["price"]),
                       weight_grams=250 + r["n"] % 2000)
        for p, r in zip(products, chunk, strict=True)
    ])
    stock_services.stock_receive_many(
        lines=[(v.pk, warehouse.pk, r["num_in_stock"]) for v, r in zip(variants, chunk, strict=True)],
        reason="Standard catalogue opening stock",
        reference="CATALOGUE",
    )
    transaction.on_commit(page_cache.catalog_changed)
    return len(products)
