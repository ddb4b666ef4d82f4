"""Product search (reads only).

On Postgres, for the shopper's language ('english' configuration on the English site; 'french' on the French
site, which also searches the English fields with 'english', so French fields left empty fall back to English and
an English product name typed on the French site is still found), a product is found when
- its name or description matches the words (websearch syntax: "quoted phrases", -excluded, or), or
- one of its active SKUs does (or equals the query), or
- its category's name matches (the category's sub-categories included), or
- its name has a word spelt like the query (pg_trgm word_similarity >= SIMILARITY_THRESHOLD: "chocolat" finds
  "Dark Chocolate Bar").
Best match first: an exact SKU, then everything found but by spelling, by ts_rank on the names (weight A; the
English name on the French site B) plus SKU_RANK for a SKU and CATEGORY_RANK for a category match (so a name
match comes before a description-only match), then by spelling similarity; ties by name, then id.
Every test in the WHERE clause is answered from an index (GIN on each vector, migration 0006) or from the ids found
by one small query first (_other_matches); see bench/search.py for the timings on 5,000 products.

On other databases (the embedded SQLite set-up) the search is a plain case-insensitive `contains` of every word on
names, descriptions, SKUs and category names, ordered by name.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils.translation import get_language

from catalog.models import Category, Product, ProductVariant
from catalog.selectors import CategoryTree, listable_products
from inventory.selectors import product_in_stock_online

from .selectors import ProductCard, product_cards

MAX_QUERY_LENGTH = 200
# word_similarity() of the query to a product name at or above which a product counts as a (misspelt) match.
SIMILARITY_THRESHOLD = 0.45
# Lower bar for the names that may give a "did you mean" word.
SUGGESTION_THRESHOLD = 0.3
CONFIGS = {"en": "english", "fr": "french"}
RELEVANCE = "relevance"
SORTS = (RELEVANCE, "price", "-price", "name")


def query_clean(raw: str | None) -> str:
    """What is searched for: control characters (NUL included: Postgres refuses it) become spaces, runs of
    spaces one, and the result is cut at MAX_QUERY_LENGTH characters."""
    if not raw:
        return ""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in raw[: MAX_QUERY_LENGTH * 4])
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class SearchFilters:
    category_id: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    sort: str = RELEVANCE

    @property
    def narrowing(self) -> bool:
        """True when the shopper asked to narrow the catalogue (a sort alone does not)."""
        return self.category_id is not None or self.min_price is not None or self.max_price is not None or (
            self.in_stock
        )


@dataclass
class SearchPage:
    query: str
    page: Page
    cards: list[ProductCard]
    exact_count: int  # products found by full-text search or by SKU, not only by a similar spelling
    suggestion: str | None = None
    page_range: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _language(language: str | None) -> str:
    code = (language or get_language() or "en")[:2]
    return code if code in CONFIGS else "en"


def _localized(name: str, language: str, prefix: str = ""):
    """The field in the language asked, falling back to English when the French one is empty."""
    english = F(f"{prefix}{name}_en")
    if language == "en":
        return Coalesce(english, Value(""), output_field=TextField())
    return Coalesce(NullIf(F(f"{prefix}{name}_fr"), Value("")), english, Value(""), output_field=TextField())


def _lowest_price():
    return (
        ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True).order_by("price").values("price")[:1]
    )


def _filtered(tree: CategoryTree, filters: SearchFilters) -> QuerySet:
    """Listable products (visible category, at least one active SKU) narrowed by the filters, with min_price.

    The price range is tested with EXISTS / NOT EXISTS on the active SKUs (lowest price >= min: no active SKU
    below min; lowest price <= max: some active SKU at most max), which Postgres answers with one hash join
    instead of a lowest-price subquery per product."""
    if filters.category_id is not None and filters.category_id in tree.by_id:
        category_ids = tree.descendant_ids(filters.category_id)
    elif filters.category_id is not None:
        category_ids = []
    else:
        category_ids = list(tree.by_id)
    products = listable_products(category_ids)
    active_skus = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    if filters.min_price is not None:
        products = products.filter(~Exists(active_skus.filter(price__lt=filters.min_price)))
    if filters.max_price is not None:
        products = products.filter(Exists(active_skus.filter(price__lte=filters.max_price)))
    if filters.in_stock:
        products = products.filter(product_in_stock_online())
    return products.annotate(min_price=Subquery(_lowest_price()))


def _ordered(products: QuerySet, sort: str, *, relevance: tuple[str, ...], language: str) -> QuerySet:
    products = products.annotate(name_sort=_localized("name", language))
    if sort == "price":
        return products.order_by("min_price", "name_sort", "pk")
    if sort == "-price":
        return products.order_by("-min_price", "name_sort", "pk")
    return products.order_by(*(relevance if sort == RELEVANCE else ()), "name_sort", "pk")


# The full-text vectors searched, by language: (field, configuration). Each has a GIN index on exactly this
# expression (migration 0006), so the WHERE clause is answered from the indexes; the French site also searches the
# English fields, which covers French fields left empty (the page then shows the English text).
VECTORS = {
    "en": [("name_en", "english"), ("description_en", "english")],
    "fr": [("name_fr", "french"), ("description_fr", "french"), ("name_en", "english"),
           ("description_en", "english")],
}
# Ranks added for what the name vectors cannot see (ts_rank's own weights: A 1.0, B 0.4, C 0.2).
SKU_RANK, CATEGORY_RANK = 1.0, 0.4


def _vector(field_name: str, config: str) -> SearchVector:
    return SearchVector(F(field_name), config=config)


def _query(query: str, config: str) -> SearchQuery:
    return SearchQuery(query, config=config, search_type="websearch")


def _other_matches(query: str, language: str, tree: CategoryTree) -> dict[str, set[int]]:
    """What the product vectors do not hold, in one query: products with an active SKU equal to the query
    ("sku") or containing its words ("sku_word"), categories whose name matches ("category", with their
    sub-categories added here) and products whose name has a word spelt like the query ("similar")."""
    name_fields = [f for f, _config in VECTORS[language] if f.startswith("name_")]
    skus = (  # an exact SKU has its own words too: one indexed test finds both
        ProductVariant.objects.filter(is_active=True)
        .alias(v_simple=_vector("sku", "simple"))
        .filter(v_simple=_query(query, "simple"))
        .annotate(found=F("product_id"),
                  kind=Case(When(sku__iexact=query, then=Value("sku")), default=Value("sku_word")))
        .order_by()
        .values_list("found", "kind")
    )
    category_words = Q()
    for name in name_fields:
        config = dict(VECTORS[language])[name]
        category_words |= Q(**{f"v_{name}": _query(query, config)})
    categories = (
        Category.objects.filter(is_active=True)
        .alias(**{f"v_{name}": _vector(name, dict(VECTORS[language])[name]) for name in name_fields})
        .filter(category_words)
        .annotate(found=F("pk"), kind=Value("category"))
        .order_by()
        .rewrite(False)  # modeltranslation's values_list picks columns in set order: a UNION needs them fixed
        .values_list("found", "kind")
    )
    similarity = Greatest(*[TrigramWordSimilarity(query, Coalesce(F(name), Value(""))) for name in name_fields]) if (
        len(name_fields) > 1) else TrigramWordSimilarity(query, Coalesce(F(name_fields[0]), Value("")))
    similar = (
        Product.objects.online()
        .alias(similarity=similarity)
        .filter(similarity__gte=SIMILARITY_THRESHOLD)
        .annotate(found=F("pk"), kind=Value("similar"))
        .order_by()
        .rewrite(False)
        .values_list("found", "kind")
    )
    found: dict[str, set[int]] = {"sku": set(), "sku_word": set(), "category": set(), "similar": set()}
    for pk, kind in skus.union(categories, similar, all=True).order_by():
        found[kind].add(pk)
    found["category"] = {c for pk in found["category"] if pk in tree.by_id for c in tree.descendant_ids(pk)}
    return found


def _postgres_search(products: QuerySet, query: str, language: str, tree: CategoryTree) -> QuerySet:
    vectors = {f"v_{name}": _vector(name, config) for name, config in VECTORS[language]}
    text = {name: Q(**{f"v_{name}": _query(query, config)}) for name, config in VECTORS[language]}
    other = _other_matches(query, language, tree)
    by_sku = other["sku"] | other["sku_word"]

    names_match = Q()
    for name, condition in text.items():
        if name.startswith("name_"):
            names_match |= condition
    exact = names_match  # cheap tests first: Postgres stops at the first true one
    if by_sku:
        exact |= Q(pk__in=sorted(by_sku))
    if other["category"]:
        exact |= Q(category_id__in=sorted(other["category"]))
    described = Q()
    for name, condition in text.items():
        if name.startswith("description_"):
            described |= condition
    # WHERE: the text tests as one uncorrelated subquery (a bitmap OR of the GIN indexes, run once and hashed),
    # never per row: with a stock or price filter the planner may start from the stock and would otherwise parse
    # the description of every product in stock (0.45 s on 5,000 products).
    by_text = Product.objects.alias(**vectors).filter(names_match | described).order_by().rewrite(False).values("pk")
    wanted = Q(pk__in=by_text)
    if by_sku:
        wanted |= Q(pk__in=sorted(by_sku))
    if other["category"]:
        wanted |= Q(category_id__in=sorted(other["category"]))
    if other["similar"]:
        wanted |= Q(pk__in=sorted(other["similar"]))
    # SELECT (matched, for each row found): the descriptions as one uncorrelated, indexed subquery that Postgres
    # hashes once, instead of parsing the description of every product found by a similar spelling.
    by_description = Product.objects.alias(**vectors).filter(described).values("pk")
    matched = exact | Q(pk__in=by_description)

    # Rank on the names only (short: cheap for every match); the description counts through `matched`.
    main, *others = [(name, config) for name, config in VECTORS[language] if name.startswith("name_")]
    name_vector = SearchVector(F(main[0]), config=main[1], weight="A")
    rank_query = _query(query, main[1])
    for name, config in others:  # the English name on the French site, a little below the French one
        name_vector += SearchVector(F(name), config=config, weight="B")
        rank_query |= _query(query, config)
    rank = SearchRank(name_vector, rank_query)
    if by_sku:
        rank += Case(When(pk__in=sorted(by_sku), then=Value(SKU_RANK)), default=Value(0.0))
    if other["category"]:
        rank += Case(When(category_id__in=sorted(other["category"]), then=Value(CATEGORY_RANK)), default=Value(0.0))
    similarity = TrigramWordSimilarity(query, _localized("name", language))
    return (
        products.alias(**vectors)
        .filter(wanted)
        .annotate(
            sku_exact=ExpressionWrapper(Q(pk__in=sorted(other["sku"])) if other["sku"] else Value(False),
                                        output_field=BooleanField()),
            matched=ExpressionWrapper(matched, output_field=BooleanField()),
            rank=rank,
            similarity=similarity,
        )
    )


def _plain_search(products: QuerySet, query: str, tree: CategoryTree) -> QuerySet:
    """Without Postgres: every word of the query in the name, description, an active SKU or the name of the
    product's category or of one above it (the cached tree holds the names: no query for that)."""
    for word in query.split()[:10]:
        sku = Exists(ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True, sku__icontains=word))
        categories = {c for node in tree.by_id.values() if word.casefold() in node.name.casefold()
                      for c in tree.descendant_ids(node.id)}
        products = products.filter(
            Q(name_en__icontains=word)
            | Q(name_fr__icontains=word)
            | Q(description_en__icontains=word)
            | Q(description_fr__icontains=word)
            | Q(category_id__in=sorted(categories))
            | sku
        )
    return products.annotate(matched=Value(True, output_field=BooleanField()))


def products_search(*, query: str, filters: SearchFilters, tree: CategoryTree, language: str | None = None
                    ) -> QuerySet:
    """Products matching the (cleaned) query and the filters, best first for the relevance sort. An empty query
    gives every product the filters let through. Each row has min_price and matched (found by full-text search or
    SKU rather than by a similar spelling only)."""
    language = _language(language)
    products = _filtered(tree, filters)
    if not query:
        products = products.annotate(matched=Value(True, output_field=BooleanField()))
        return _ordered(products, filters.sort, relevance=(), language=language)
    if connection.vendor != "postgresql":
        return _ordered(_plain_search(products, query, tree), filters.sort, relevance=(), language=language)
    return _ordered(
        _postgres_search(products, query, language, tree),
        filters.sort,
        relevance=("-sku_exact", "-matched", "-rank", "-similarity"),
        language=language,
    )


def search_suggestion(*, query: str, tree: CategoryTree, language: str | None = None) -> str | None:
    """"Did you mean": the query with each word not found in the shop's vocabulary replaced by the closest word of
    a product or category name, or None when nothing closer is found."""
    words = re.findall(r"\w+", query.casefold())[:8]
    if not words or connection.vendor != "postgresql":
        return None
    language = _language(language)
    name = _localized("name", language)
    names = list(
        Product.objects.online()
        .annotate(similarity=TrigramWordSimilarity(query, name), name_text=name)
        .filter(similarity__gte=SUGGESTION_THRESHOLD)
        .order_by("-similarity", "pk")
        .values_list("name_text", flat=True)[:20]
    )
    names += [node.name for node in tree.by_id.values()]
    vocabulary = {w for n in names for w in re.findall(r"\w+", n.casefold()) if len(w) > 2 and not w.isdigit()}
    suggested = []
    for word in words:
        close = [] if word in vocabulary else difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        suggested.append(close[0] if close else word)
    return " ".join(suggested) if suggested != words else None


def product_search_page(*, query: str, filters: SearchFilters, tree: CategoryTree, page: int, per_page: int,
                        language: str | None = None) -> SearchPage:
    """One page of results as product cards: a count, the page's rows, three queries for the cards and, when
    nothing matched but by a similar spelling, one for the "did you mean" suggestion."""
    products = products_search(query=query, filters=filters, tree=tree, language=language)
    counts = products.aggregate(total=Count("pk"), exact=Count("pk", filter=Q(matched=True)))
    paginator = Paginator(products, per_page)
    paginator.count = counts["total"]  # counted above with the exact matches: no second COUNT query
    page_obj = paginator.get_page(page)
    suggestion = None
    if query and counts["exact"] == 0:
        suggestion = search_suggestion(query=query, tree=tree, language=language)
    return SearchPage(
        query=query,
        page=page_obj,
        cards=product_cards(page_obj.object_list),
        exact_count=counts["exact"],
        suggestion=suggestion,
        page_range=list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)),
    )
