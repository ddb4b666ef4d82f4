"""Reads of the catalogue: the category tree, the products a visitor may see and their order, restock dates. Stock,
ratings and the cards a page shows are composed above, in storefront.selectors."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import page_cache
from .converters import slug_pk_url
from .models import Category, Product, ProductVariant

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


# A product card's line about the product: at most this many characters, cut from the start of the description.
CARD_DESCRIPTION_LENGTH = 100
_CARD_DESCRIPTION_READ = 2 * CARD_DESCRIPTION_LENGTH + 40  # what the list query reads of each description
_FIRST_SENTENCE = re.compile(r"(.+?[.!?])(?=\s|$)")


def description_start():
    """The start of the active language's description (English where the French one is empty), enough to cut a
    card's short description from, without reading whole descriptions for a list page."""
    column = translated("description")
    return Substr(F(column) if isinstance(column, str) else column, 1, _CARD_DESCRIPTION_READ)


def short_description(text: str, *, limit: int = CARD_DESCRIPTION_LENGTH) -> str:
    """The description's first sentence when it holds in `limit` characters; else its first words up to `limit`
    characters, ended with "…" (never a cut word)."""
    text = " ".join((text or "").split())
    sentence = _FIRST_SENTENCE.match(text)
    if sentence and len(sentence.group(1)) <= limit:
        return sentence.group(1)
    if len(text) <= limit:
        return text
    words = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return words.rstrip(" ,;:.!?—–-") + "…"


@dataclass
class CategoryNode:
    id: int
    name: str
    slug: str
    parent_id: int | None
    description: str
    children: list["CategoryNode"] = field(default_factory=list)

    def get_absolute_url(self):
        return slug_pk_url("catalog:category_detail", self.slug, self.id)


@dataclass
class CategoryTree:
    by_id: dict[int, CategoryNode]
    roots: list[CategoryNode]
    # Active categories hidden under an inactive parent (a class default: trees cached before it have none).
    hidden_ids: frozenset[int] = frozenset()

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
    return CategoryTree(by_id=reachable, roots=roots, hidden_ids=frozenset(set(nodes) - set(reachable)))


def category_tree() -> CategoryTree:
    """The active categories with their names in the active language: each worker keeps one tree per language
    until the catalogue changes (page_cache.process_memo). Callers read it, never change it."""
    return page_cache.process_memo(page_cache.CATALOG, _category_tree_build, key=("category_tree", get_language()))


def active_variants():
    """A product's SKUs on sale, in their order."""
    return ProductVariant.objects.filter(is_active=True).order_by("position", "pk")


def _active_skus_of_outer_product():
    return ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)


def listable_products(category_ids, *, sort: str = DEFAULT_SORT):
    """Products a visitor may see in these categories (with at least one active SKU), in the order asked.

    Prices are aggregated afterwards for the page shown only (product_cards); sorting by price uses a
    per-product subquery instead of grouping every product of the category. Partial indexes on the listable
    products (Product.Meta) answer a category's count and its pages by name from the category's entries alone.
    """
    return _listable(Product.objects.online().filter(category_id__in=list(category_ids)), sort)


def visible_products(tree: CategoryTree, *, sort: str = DEFAULT_SORT):
    """listable_products(tree.by_id) without naming every category in the query: only the few hidden under an
    inactive parent are left out (Postgres would otherwise AND every search with a scan of a whole index)."""
    queryset = Product.objects.online()
    if tree.hidden_ids:
        queryset = queryset.exclude(category_id__in=sorted(tree.hidden_ids))
    return _listable(queryset, sort)


def _listable(queryset, sort: str):
    # "Has an active SKU" as a correlated probe of the variant_active_product index (index-only) for each product
    # considered, not EXISTS: Postgres turns an EXISTS into a hash of every active SKU of the catalogue as soon as
    # a few thousand products are considered, which costs as much as the catalogue is big.
    first_active_sku = _active_skus_of_outer_product().order_by().values("product_id")[:1]
    queryset = queryset.alias(first_active_sku=Subquery(first_active_sku)).filter(
        first_active_sku__isnull=False
    ).only("id", "name", "slug", "created_at", "allow_backorder", "restock_expected_on", "made_to_order",
           "estimate_from", "estimate_to", "estimate_note").annotate(description_start=description_start())
    if sort in ("price", "-price"):
        lowest = _active_skus_of_outer_product().order_by("price").values("price")[:1]
        queryset = queryset.annotate(min_price=Subquery(lowest))
    if sort == "name":
        return queryset.order_by(translated("name"), "pk")
    return queryset.order_by(*SORTS[sort])


def products_in_category(tree: CategoryTree, category_id: int, *, sort: str):
    return listable_products(tree.descendant_ids(category_id), sort=sort)


def restock_expected(product: Product) -> datetime.date | None:
    """The product's expected restock date, unless it is unset or already past (then: as soon as it is back)."""
    expected = product.restock_expected_on
    return expected if expected is not None and expected >= timezone.localdate() else None


def restock_phrase(restock_on: datetime.date | None) -> str:
    """"expected March 12, 2026" or "as soon as it is back", in the active language."""
    if restock_on is None:
        return _("as soon as it is back")
    return _("expected %(date)s") % {"date": formats.date_format(restock_on, "DATE_FORMAT")}


def sitemap_products():
    visible = list(category_tree().by_id)
    return (
        Product.objects.online()
        .filter(category_id__in=visible, variants__is_active=True)
        .distinct()
        .order_by("pk")
        .only("id", "slug", "updated_at")
    )
