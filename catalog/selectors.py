"""Reads of the catalogue for pages: every queryset here fetches what its page shows in a constant number of
queries, whatever the number of products on the page."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from community.selectors import rating_round, rating_subqueries
from inventory.selectors import Availability, availability_by_variant, online_available_by_product

from . import page_cache
from .models import Category, Product, ProductImage, ProductVariant

SORTS = {
    "name": ("name", "pk"),
    "price": ("min_price", "pk"),
    "-price": ("-min_price", "pk"),
    "new": ("-created_at", "-pk"),
}
DEFAULT_SORT = "name"


def translated(field: str):
    """The active language's column of a translated field, the English one where it is empty: sorting on the
    plain field would put every product without a French name last on the French site."""
    language = (get_language() or "en")[:2]
    if language == "en":
        return field + "_en"
    return Coalesce(NullIf(f"{field}_{language}", Value("")), f"{field}_en")


@dataclass
class CategoryNode:
    id: int
    name: str
    slug: str
    parent_id: int | None
    description: str
    children: list["CategoryNode"] = field(default_factory=list)

    def get_absolute_url(self):
        return reverse("catalog:category_detail", kwargs={"key": (self.slug, self.id)})


@dataclass
class CategoryTree:
    by_id: dict[int, CategoryNode]
    roots: list[CategoryNode]

    def ancestors(self, category_id: int) -> list[CategoryNode]:
        """From the root down to the category itself."""
        chain = []
        node = self.by_id.get(category_id)
        while node is not None:
            chain.append(node)
            node = self.by_id.get(node.parent_id)
        return chain[::-1]

    def descendant_ids(self, category_id: int) -> list[int]:
        ids, todo = [], [self.by_id[category_id]]
        while todo:
            node = todo.pop()
            ids.append(node.id)
            todo.extend(node.children)
        return ids


def _category_tree_build() -> CategoryTree:
    nodes = {
        c.pk: CategoryNode(c.pk, c.name, c.slug, c.parent_id, c.description)
        for c in Category.objects.filter(is_active=True).order_by("position", translated("name"))
    }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        if node.parent_id is None:
            roots.append(node)
        elif parent is not None:
            parent.children.append(node)
    # A category under an inactive parent is hidden with it.
    reachable = {}
    todo = list(roots)
    while todo:
        node = todo.pop()
        reachable[node.id] = node
        todo.extend(node.children)
    return CategoryTree(by_id=reachable, roots=roots)


def category_tree() -> CategoryTree:
    """The active categories with their names in the active language (one cached tree per language)."""
    return page_cache.page_get_or_build(("category_tree", get_language()), [page_cache.CATALOG],
                                        _category_tree_build)


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

    def get_absolute_url(self):
        return reverse("catalog:product_detail", kwargs={"key": (self.slug, self.id)})

    @property
    def availability(self) -> Availability:
        return SkuAvailability(online=self.online_available, backorderable=self.backorderable,
                               restock_on=self.restock_on)

    @property
    def has_price_range(self) -> bool:
        return self.min_price != self.max_price


def _active_variants():
    return ProductVariant.objects.filter(is_active=True).order_by("position", "pk")


def _active_skus_of_outer_product():
    return ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)


def listable_products(category_ids, *, sort: str = DEFAULT_SORT):
    """Products a visitor may see in these categories (with at least one active SKU), in the order asked.

    Prices are aggregated afterwards for the page shown only (product_cards); sorting by price uses a
    per-product subquery instead of grouping every product of the category.
    """
    queryset = (
        Product.objects.online()
        .filter(category_id__in=list(category_ids))
        .filter(Exists(_active_skus_of_outer_product()))
        .only("id", "name", "slug", "created_at", "allow_backorder", "restock_expected_on")
    )
    if sort in ("price", "-price"):
        lowest = _active_skus_of_outer_product().order_by("price").values("price")[:1]
        queryset = queryset.annotate(min_price=Subquery(lowest))
    if sort == "name":
        return queryset.order_by(translated("name"), "pk")
    return queryset.order_by(*SORTS[sort])


def product_cards(products) -> list[ProductCard]:
    """Turn a page of listable_products() into cards: three more queries, whatever the page size."""
    products = list(products)
    ids = [p.pk for p in products]
    prices = {
        row["product_id"]: row
        for row in ProductVariant.objects.filter(product_id__in=ids, is_active=True)
        .values("product_id")
        .annotate(low=Min("price"), high=Max("price"), first_id=Min("id"), count=Count("id"))
        .annotate(**rating_subqueries("product_id"))  # the reviews' average rides along: no extra query
        .order_by()
    }
    images: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=ids).order_by("product_id", "-position", "-pk"):
        images[image.product_id] = image  # ends on the first by position
    available = online_available_by_product(ids)
    return [
        ProductCard(
            id=p.pk,
            name=p.name,
            slug=p.slug,
            min_price=prices[p.pk]["low"],
            max_price=prices[p.pk]["high"],
            image=images.get(p.pk),
            online_available=available[p.pk],
            variant_count=prices[p.pk]["count"],
            default_variant_id=prices[p.pk]["first_id"],
            backorderable=p.allow_backorder,
            restock_on=restock_expected(p) if p.allow_backorder else None,
            rating_average=rating_round(prices[p.pk]["rating_avg"]),
            rating_count=prices[p.pk]["rating_count"] or 0,
        )
        for p in products
        if p.pk in prices  # a SKU switched off since the page's rows were read
    ]


def products_in_category(tree: CategoryTree, category_id: int, *, sort: str):
    return listable_products(tree.descendant_ids(category_id), sort=sort)


def home_products(tree: CategoryTree, *, featured_limit=8, new_limit=8):
    visible = listable_products(tree.by_id)
    featured = product_cards(visible.filter(is_featured=True)[:featured_limit])
    newest = product_cards(visible.order_by("-created_at", "-pk")[:new_limit])
    return featured, newest


def product_for_page(pk: int) -> Product | None:
    """The product with its active SKUs, pictures, and rating_average / rating_count of its approved reviews."""
    product = (
        Product.objects.online()
        .annotate(**rating_subqueries("pk"))
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=_active_variants(), to_attr="active_variants"),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="ordered_images"),
        )
        .filter(pk=pk)
        .first()
    )
    if product is not None:
        product.rating_average, product.rating_count = rating_round(product.rating_avg), product.rating_count or 0
    return product


def restock_expected(product: Product) -> datetime.date | None:
    """The product's expected restock date, unless it is unset or already past (then: as soon as it is back)."""
    expected = product.restock_expected_on
    return expected if expected is not None and expected >= timezone.localdate() else None


def restock_phrase(restock_on: datetime.date | None) -> str:
    """"expected March 12, 2026" or "as soon as it is back", in the active language."""
    if restock_on is None:
        return _("as soon as it is back")
    return _("expected %(date)s") % {"date": formats.date_format(restock_on, "DATE_FORMAT")}


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


def sitemap_products():
    visible = list(category_tree().by_id)
    return (
        Product.objects.online()
        .filter(category_id__in=visible, variants__is_active=True)
        .distinct()
        .order_by("pk")
        .only("id", "slug", "updated_at")
    )
