"""What the shop's pages suggest, from last night's product pairs (recommendations.services), read through the
shared page cache so that a page pays no query for them in the common case:

- the candidates (product ids, best first) of a product, of a cart's products or of a customer's purchases are
  cached until the pairs change (the `crosssell` version, bumped by the nightly job) or, for a customer, until they
  order again;
- the rendered section (heading and cards) of a list of candidates is cached until the catalogue or the stock of
  one of those products changes (the versions of the product pages): only products a visitor may see (active, sold
  online, in a visible category, with an active SKU) and that are in stock now (units free online; a backorderable
  product with none is not suggested) are shown, at most SHOWN of them;
- the product page's fragment holds its section as built with the page: it is built again with the page (the
  product's stock, the catalogue, the pairs, or SHOP_PAGE_CACHE_SECONDS at the latest);
- "For you" on a signed-in customer's home page is one rendered fragment, one cache read.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import IntegerField, Sum
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils.translation import get_language

from catalog import page_cache
from catalog.converters import slug_pk_url
from catalog.models import Product, ProductImage, ProductVariant
from catalog.selectors import category_tree, description_start, short_description
from core.money import amount_from_cents
from crm.services.scoring import NOT_REVENUE
from inventory.selectors import Availability, online_free_units_sql
from orders.models import Order

from .models import ProductPair

CROSSSELL = "crosssell"  # the version of the product pairs in the shared cache (catalog.page_cache)
SHOWN = 4  # cards in a suggestions section


def purchases_version(user_id: int) -> str:
    return f"purchases:user:{user_id}"


@dataclass
class SuggestionCard:
    """What partials/product_card.html shows of a suggested product (always in stock; no rating shown)."""

    id: int
    name: str
    slug: str
    min_price: object
    max_price: object
    image: ProductImage | None
    online_available: int
    variant_count: int
    default_variant_id: int
    rating_average: None = None
    rating_count: int = 0
    made_to_order: bool = False  # made-to-order products have no stock: never suggested
    description_start: str = ""  # the start of the description in the page's language (catalog.selectors)

    def get_absolute_url(self):
        return slug_pk_url("catalog:product_detail", self.slug, self.id)

    @property
    def short_description(self) -> str:
        return short_description(self.description_start)

    @property
    def availability(self) -> Availability:
        return Availability(online=self.online_available)

    @property
    def has_price_range(self) -> bool:
        return self.min_price != self.max_price


# --- candidates: product ids, best first ----------------------------------------------------------------------------

def also_bought_ids(product_id: int) -> list[int]:
    return list(ProductPair.objects.filter(product_id=product_id).order_by("rank").values_list("other_id", flat=True))


def _together(pairs, limit: int) -> list[int]:
    """The other products of these pairs, by their support added up over the pairs (ties: lower id first)."""
    return list(pairs.values("other_id").annotate(total=Sum("support")).order_by("-total", "other_id")
                .values_list("other_id", flat=True)[:limit])


def basket_ids(product_ids: list[int]) -> list[int]:
    """What goes with these products (a cart's), leaving them out."""
    if not product_ids:
        return []
    return _together(ProductPair.objects.filter(product_id__in=product_ids).exclude(other_id__in=product_ids),
                     settings.SHOP_CROSS_SELL_TOP)


def for_you_ids(user_id: int) -> list[int]:
    """What goes with what the customer bought (their orders not cancelled or expired), leaving out what they
    bought: one query."""
    bought = (ProductVariant.objects.filter(order_lines__order__in=Order.objects.filter(user_id=user_id)
                                            .exclude(status__in=NOT_REVENUE))
              .values("product_id"))
    return _together(ProductPair.objects.filter(product_id__in=bought).exclude(other_id__in=bought),
                     settings.SHOP_CROSS_SELL_TOP)


# --- cards ------------------------------------------------------------------------------------------------------------

def suggestion_cards(ids: list[int], *, limit: int = SHOWN) -> list[SuggestionCard]:
    """The first `limit` of these products that a visitor may see and that are in stock online, in the order
    given, as cards: two queries (the products with their figures, their pictures)."""
    if not ids:
        return []
    column = f'"{Product._meta.db_table}"."id"'
    skus = f'FROM {ProductVariant._meta.db_table} v WHERE v.product_id = {column} AND v.is_active'
    figures = {
        "free": online_free_units_sql(column), "low": f"(SELECT MIN(v.price) {skus})",
        "high": f"(SELECT MAX(v.price) {skus})", "first_sku": f"(SELECT MIN(v.id) {skus})",
        "skus": f"(SELECT COUNT(*) {skus})",
    }
    tree = category_tree()
    rows = (Product.objects.online().filter(pk__in=ids, category_id__in=list(tree.by_id))
            .annotate(**{name: RawSQL(sql, (), output_field=IntegerField()) for name, sql in figures.items()})
            .filter(free__gt=0, skus__gt=0)
            .only("id", "name", "slug").annotate(description_start=description_start()))
    found = {p.pk: p for p in rows}
    shown = [found[pk] for pk in ids if pk in found][:limit]
    images: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=[p.pk for p in shown]).order_by(
            "product_id", "-position", "-pk"):
        images[image.product_id] = image  # ends on the first by position
    return [SuggestionCard(id=p.pk, name=p.name, slug=p.slug, min_price=amount_from_cents(p.low),
                           max_price=amount_from_cents(p.high), image=images.get(p.pk), online_available=int(p.free),
                           variant_count=p.skus, default_variant_id=p.first_sku,
                           description_start=p.description_start or "")
            for p in shown]


def _section_html(ids: list[int], *, template: str, next_url: str) -> str:
    """A suggestions section (its heading and up to SHOWN cards) of these candidates, rendered, or "" when none of
    them can be shown; cached until the catalogue or the stock of one of these products changes."""
    if not ids:
        return ""

    def build() -> str:
        cards = suggestion_cards(ids)
        return render_to_string(template, {"cards": cards, "next": next_url}) if cards else ""

    return page_cache.value_get_or_build(
        ("suggestions", template, get_language(), next_url, *ids),
        [page_cache.CATALOG, *(page_cache.product_key(pk) for pk in ids)],
        build,
    )


def also_bought_html(product_id: int, *, next_url: str) -> str:
    """"Customers who bought this also bought", for the product page's fragment (built on a page miss only)."""
    ids = page_cache.value_get_or_build(("also-bought", product_id), [CROSSSELL],
                                        lambda: also_bought_ids(product_id))
    return _section_html(ids, template="recommendations/_also_bought.html", next_url=next_url)


def basket_html(product_ids, *, next_url: str) -> str:
    """Suggestions for a cart holding these products: two cache reads and no query in the common case."""
    product_ids = sorted(set(product_ids))
    if not product_ids:
        return ""
    ids = page_cache.value_get_or_build(("basket", *product_ids), [CROSSSELL], lambda: basket_ids(product_ids))
    return _section_html(ids, template="recommendations/_basket.html", next_url=next_url)


def for_you_html(*, user_id: int, next_url: str) -> str:
    """The "For you" section of a signed-in customer's home page, rendered: one cache read in the common case;
    "" for a customer with nothing to suggest (no purchases yet, or nothing in stock goes with them)."""

    def build() -> str:
        ids = page_cache.value_get_or_build(("for-you-ids", user_id), [CROSSSELL, purchases_version(user_id)],
                                            lambda: for_you_ids(user_id))
        return _section_html(ids, template="recommendations/for_you.html", next_url=next_url)

    return page_cache.value_get_or_build(
        ("for-you", user_id, get_language(), next_url),
        [page_cache.CATALOG, page_cache.STOCK_ALL, CROSSSELL, purchases_version(user_id)],
        build,
    )
