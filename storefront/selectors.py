"""What a shopper's pages show of a product: the catalogue (catalog.selectors) with live stock (inventory), the
reviews' rating (community) and the restock date. Every queryset here fetches what its page shows in a constant
number of queries, whatever the number of products on the page."""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from catalog import page_cache
from catalog.converters import slug_pk_url
from catalog.models import SEARCH_DOCUMENTS, Category, Product, ProductImage, ProductVariant, estimate_phrase
from catalog.selectors import CategoryTree, listable_products, restock_expected, restock_phrase, short_description
from community.selectors import published_questions_sql, rating_from_sum, rating_sql
from core import sql
from core.money import amount_from_cents
from inventory.selectors import Availability, availability_by_variant, online_free_units_sql


@dataclass
class ProductCard:
    """What a list page shows of one product."""

    id: int
    name: str
    slug: str
    min_price: object
    max_price: object
    image: ProductImage | None
    online_available: int
    variant_count: int
    default_variant_id: int | None
    backorderable: bool = False
    restock_on: datetime.date | None = None
    rating_average: Decimal | None = None  # of the approved reviews, to one decimal; None without any
    rating_count: int = 0
    # Made to order: a price estimate and "Ask for a quote" instead of a price and "Add to cart".
    made_to_order: bool = False
    estimate_from: Decimal | None = None
    estimate_to: Decimal | None = None
    estimate_note: str = ""
    description_start: str = ""  # the start of the description in the page's language (catalog.selectors)

    def get_absolute_url(self):
        return slug_pk_url("catalog:product_detail", self.slug, self.id)

    @property
    def short_description(self) -> str:
        return short_description(self.description_start)

    @property
    def estimate_text(self) -> str:
        return estimate_phrase(self.estimate_from, self.estimate_to, self.estimate_note)

    @cached_property
    def availability(self) -> Availability:
        return SkuAvailability(online=self.online_available, backorderable=self.backorderable,
                               restock_on=self.restock_on)

    @property
    def has_price_range(self) -> bool:
        return self.min_price != self.max_price


def _card_figures(ids: list[int]) -> dict[int, tuple]:
    """{product id: (lowest price, highest price, first SKU id, SKU count, units online, rating)} of the products
    with an active SKU, in one statement: the apps' own rules as SQL (inventory: units online; community: the
    rating), read together because each ORM query of a list page cost far more to build than to run."""
    if not ids:
        return {}
    variant = ProductVariant._meta.db_table
    skus = f"FROM {variant} v WHERE v.product_id = p.id AND v.is_active"
    rating_total, rating_count = rating_sql("p.id")
    sql = (f"SELECT p.id, (SELECT MIN(v.price) {skus}), (SELECT MAX(v.price) {skus}), (SELECT MIN(v.id) {skus}), "
           f"(SELECT COUNT(*) {skus}), {online_free_units_sql('p.id')}, {rating_total}, {rating_count} "
           f"FROM {Product._meta.db_table} p WHERE p.id IN ({', '.join(['%s'] * len(ids))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    return {pk: (amount_from_cents(low), amount_from_cents(high), first_id, count, int(free),
                 rating_from_sum(total, ratings))
            for pk, low, high, first_id, count, free, total, ratings in rows if count}


def product_cards(products) -> list[ProductCard]:
    """Turn a page of listable_products() into cards: two more queries, whatever the page size."""
    products = list(products)
    figures = _card_figures([p.pk for p in products])
    images: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=list(figures)).order_by("product_id", "-position", "-pk"):
        images[image.product_id] = image  # ends on the first by position
    cards = []
    for p in products:
        if p.pk not in figures:  # a SKU switched off since the page's rows were read
            continue
        low, high, first_id, count, free, rating = figures[p.pk]
        cards.append(ProductCard(
            id=p.pk, name=p.name, slug=p.slug, min_price=low, max_price=high, image=images.get(p.pk),
            online_available=free, variant_count=count, default_variant_id=first_id,
            backorderable=p.allow_backorder, restock_on=restock_expected(p) if p.allow_backorder else None,
            rating_average=rating.average, rating_count=rating.count,
            made_to_order=p.made_to_order, estimate_from=p.estimate_from, estimate_to=p.estimate_to,
            estimate_note=p.estimate_note or "", description_start=getattr(p, "description_start", None) or "",
        ))
    return cards


def home_products(tree: CategoryTree, *, featured_limit=8, new_limit=8):
    """The featured products and the newest, as cards: the cards of both lists are made together. Which products
    they are is catalogue data, kept by each worker until the catalogue changes; their prices, stock and ratings
    are read on every build."""

    def lists():
        visible = listable_products(tree.by_id)
        return (list(visible.filter(is_featured=True)[:featured_limit]),
                list(visible.order_by("-created_at", "-pk")[:new_limit]))

    featured, newest = page_cache.process_memo(page_cache.CATALOG, lists,
                                               key=("home_products", get_language(), featured_limit, new_limit))
    cards = {card.id: card for card in product_cards({p.pk: p for p in featured + newest}.values())}
    return [cards[p.pk] for p in featured if p.pk in cards], [cards[p.pk] for p in newest if p.pk in cards]


@functools.cache
def _product_page_sql(vendor: str) -> tuple[str, str, str]:
    """The three queries of a product page, as SQL built once per process from the models' columns."""
    product, category = sql.table(Product), sql.table(Category)
    column = f"{product}.{connection.ops.quote_name('id')}"
    rating_total, rating_count = rating_sql(column)
    product_sql = (
        f"SELECT {sql.columns(Product, exclude=SEARCH_DOCUMENTS)}, {rating_total} AS rating_total, "
        f"{rating_count} AS rating_number, {published_questions_sql(column)} AS question_count "
        f"FROM {product} INNER JOIN {category} ON {category}.id = {product}.category_id "
        f"WHERE {product}.id = %s AND {product}.is_active AND {product}.sold_online AND {category}.is_active"
    )
    variants_sql = (f"SELECT {sql.columns(ProductVariant)} FROM {sql.table(ProductVariant)} "
                    "WHERE product_id = %s AND is_active ORDER BY position, id")
    images_sql = (f"SELECT {sql.columns(ProductImage)} FROM {sql.table(ProductImage)} "
                  "WHERE product_id = %s ORDER BY position, id")
    return product_sql, variants_sql, images_sql


def product_for_page(pk: int) -> Product | None:
    """The product if a visitor may see it (Product.objects.online()), with its active SKUs (active_variants()'s
    order), pictures, rating_average / rating_count of its approved reviews and question_count of its published
    questions (the page reads no reviews or questions when there are none): three plain queries, their SQL built
    once per process (core.sql): the ORM took longer to build these small queries than the database to run them,
    about a quarter of the page's CPU on a cache miss."""
    product_sql, variants_sql, images_sql = _product_page_sql(connection.vendor)
    found = list(Product.objects.raw(product_sql, [pk]))
    if not found:
        return None
    product = found[0]
    product.active_variants = list(ProductVariant.objects.raw(variants_sql, [pk]))
    product.ordered_images = list(ProductImage.objects.raw(images_sql, [pk]))
    rating = rating_from_sum(product.rating_total, product.rating_number)
    product.rating_average, product.rating_count = rating.average, rating.count
    return product


@dataclass
class SkuAvailability(Availability):
    """A SKU on its product page: one whose product allows backorders can be ordered even when none is in stock;
    one that cannot be ordered offers the "email me when it is back" form."""

    backorderable: bool = False
    restock_on: datetime.date | None = None

    @property
    def can_buy_online(self) -> bool:
        return self.online > 0 or self.backorderable

    @property
    def message(self) -> str:
        if not self.backorderable or self.status == self.IN_STOCK:
            return super().message
        when = restock_phrase(self.restock_on)
        if self.status == self.OUT:
            return _("Out of stock online — order now, ships later (%(when)s)") % {"when": when}
        return ngettext("Only %(count)d left — more ship later (%(when)s)",
                        "Only %(count)d left — more ship later (%(when)s)", self.online) % {
            "count": self.online, "when": when}


def variant_availability(product: Product) -> list[tuple[ProductVariant, SkuAvailability]]:
    by_variant = availability_by_variant([v.pk for v in product.active_variants])
    restock_on = restock_expected(product) if product.allow_backorder else None
    return [
        (v, SkuAvailability(online=by_variant[v.pk].online, stores=by_variant[v.pk].stores,
                            backorderable=product.allow_backorder, restock_on=restock_on))
        for v in product.active_variants
    ]
