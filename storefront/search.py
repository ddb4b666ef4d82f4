"""Product search (reads only).

On Postgres, for the shopper's language ('english' configuration on the English site; 'french' on the French
site, which also searches the English fields with 'english', so French fields left empty fall back to English and
an English product name typed on the French site is still found), a product is found when
- its name or description matches the words (websearch syntax: "quoted phrases", -excluded, or), or
- one of its active SKUs does (or equals the query), or
- its category's name matches (the category's sub-categories included), or, when those find less than a page,
- it matches the words corrected: each word of the query or a word of the product names spelt like it
  (catalog.models.SearchWord, pg_trgm word_similarity >= SIMILARITY_THRESHOLD: "chocolat" finds
  "Dark Chocolate Bar").
Best match first: an exact SKU, then everything found but by spelling, by ts_rank on the names (weight A; the
English name on the French site B) plus SKU_RANK for a SKU and CATEGORY_RANK for a category match (so a name
match comes before a description-only match), then what the corrected words find, ranked the same way; ties by
name, then id.
Every test in the WHERE clause is answered from an index on the product table (GIN on the stored search documents,
migration 0008; the ids of SKU and category matches found by one small query first, _other_matches) and the
corrections from a trigram GIN index on the vocabulary of names (migration 0010), so the cost follows the products
found, not the catalogue; see bench/search.py and bench/growth.py for the timings at 5,000 and 50,000 products.

On other databases (the embedded SQLite set-up) the search is a plain case-insensitive `contains` of every word on
names, descriptions, SKUs and category names, ordered by name.
"""

import difflib
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
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
    Window,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from catalog.models import Category, ProductVariant, SearchWord
from catalog.selectors import CategoryTree, listable_products, visible_products
from inventory.selectors import product_in_stock_online

from .selectors import ProductCard, product_cards

MAX_QUERY_LENGTH = 200
# word_similarity() of a word of the query to a word of the product names at or above which the name's word is
# searched for too (a correction of a misspelling).
SIMILARITY_THRESHOLD = 0.45
# Lower bar for the words that may give a "did you mean" word.
SUGGESTION_THRESHOLD = 0.3
# Words of a query looked up in the vocabulary (the first ones), and corrections kept for each, best first.
SPELT_WORDS, CORRECTIONS_PER_WORD = 8, 5
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
    if filters.category_id is None:
        products = visible_products(tree)
    elif filters.category_id in tree.by_id:
        products = listable_products(tree.descendant_ids(filters.category_id))
    else:
        products = listable_products([])
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


# The stored search documents of each site language (generated columns of Product, migration 0008): what a query
# matches (names and descriptions, GIN-indexed) and the names alone, which results are ranked on (ts_rank's
# default weights: A 1.0 for the name, B 0.4 for the English name on the French site). The French site's documents
# hold the French fields (french) and the English ones (english), which covers French fields left empty.
DOCUMENTS = {"en": "search_en", "fr": "search_fr"}
NAME_DOCUMENTS = {"en": "search_names_en", "fr": "search_names_fr"}
QUERY_CONFIGS = {"en": ("english",), "fr": ("french", "english")}
# Ranks added for what the documents cannot see.
SKU_RANK, CATEGORY_RANK = 1.0, 0.4
# The name fields a category's name is matched on in each site language, with their configuration.
NAME_FIELDS = {"en": (("name_en", "english"),), "fr": (("name_fr", "french"), ("name_en", "english"))}


def _vector(field_name: str, config: str) -> SearchVector:
    return SearchVector(F(field_name), config=config)


def _query(query: str, config: str) -> SearchQuery:
    return SearchQuery(query, config=config, search_type="websearch")


def _text_query(query: str, language: str) -> SearchQuery:
    first, *others = QUERY_CONFIGS[language]
    combined = _query(query, first)
    for config in others:
        combined |= _query(query, config)
    return combined


@contextmanager
def _spelling_threshold(threshold: float):
    """Run the block in a transaction where pg_trgm's `<%` operator (the one its GIN indexes answer) means
    word_similarity >= threshold."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(threshold)])
        yield


def _query_words(query: str) -> list[str]:
    return re.findall(r"\w+", query.casefold())[:SPELT_WORDS]


def _corrections(words: list[str]) -> dict[str, list[tuple[str, float]]]:
    """For each word of three letters or more, the words of product names spelt like it (word_similarity at least
    SUGGESTION_THRESHOLD), best first: one query on the vocabulary's trigram index (four statements with the
    transaction that sets the threshold), none when no word is long enough."""
    lookups = [
        SearchWord.objects.filter(word__trigram_word_similar=word)
        .annotate(asked=Value(word), similarity=TrigramWordSimilarity(word, "word"))
        .order_by("-similarity", "word")
        .values_list("asked", "word", "similarity")[:CORRECTIONS_PER_WORD]
        for word in dict.fromkeys(words) if len(word) >= 3
    ]
    if not lookups:
        return {}
    first, *others = lookups
    with _spelling_threshold(SUGGESTION_THRESHOLD):
        rows = list(first.union(*others, all=True)) if others else list(first)
    found: dict[str, list[tuple[str, float]]] = {}
    for asked, word, similarity in sorted(rows, key=lambda row: (-row[2], row[1])):
        found.setdefault(asked, []).append((word, similarity))
    return found


def _corrected_query(words: list[str], corrections: dict[str, list[tuple[str, float]]], language: str
                     ) -> SearchQuery | None:
    """Every word of the query, each as itself or one of its corrections at SIMILARITY_THRESHOLD, parsed with the
    site's configurations; None when no word has a correction (nothing more to search for)."""
    combined, corrected = None, False
    for word in words:
        alternatives = [word] + [w for w, similarity in corrections.get(word, ())
                                 if similarity >= SIMILARITY_THRESHOLD and w != word]
        corrected = corrected or len(alternatives) > 1
        term = None
        for alternative in alternatives:
            for config in QUERY_CONFIGS[language]:
                one = SearchQuery(alternative, config=config, search_type="plain")
                term = one if term is None else term | one
        combined = term if combined is None else combined & term
    return combined if corrected else None


def _other_matches(query: str, language: str, tree: CategoryTree) -> dict[str, set[int]]:
    """What the product documents do not hold, in one small query: products with an active SKU equal to the query
    ("sku") or containing its words ("sku_word"), and categories whose name matches ("category", with their
    sub-categories added here)."""
    skus = (  # an exact SKU has its own words too: one indexed test finds both
        ProductVariant.objects.filter(is_active=True)
        .alias(v_simple=_vector("sku", "simple"))
        .filter(v_simple=_query(query, "simple"))
        .annotate(found=F("product_id"),
                  kind=Case(When(sku__iexact=query, then=Value("sku")), default=Value("sku_word")))
        .order_by()
        .rewrite(False)  # a SKU's size and colour are translated too: the UNION needs its columns in a fixed order
        .values_list("found", "kind")
    )
    category_words = Q()
    names = NAME_FIELDS[language]
    for name, config in names:
        category_words |= Q(**{f"v_{name}": _query(query, config)})
    categories = (
        Category.objects.filter(is_active=True)
        .alias(**{f"v_{name}": _vector(name, config) for name, config in names})
        .filter(category_words)
        .annotate(found=F("pk"), kind=Value("category"))
        .order_by()
        .rewrite(False)  # modeltranslation's values_list picks columns in set order: a UNION needs them fixed
        .values_list("found", "kind")
    )
    found: dict[str, set[int]] = {"sku": set(), "sku_word": set(), "category": set()}
    for pk, kind in skus.union(categories, all=True).order_by():
        found[kind].add(pk)
    found["category"] = {c for pk in found["category"] if pk in tree.by_id for c in tree.descendant_ids(pk)}
    return found


def _postgres_search(products: QuerySet, query: str, language: str, other: dict[str, set[int]], *,
                     exact_ids: list[int] | None, corrected: SearchQuery | None) -> QuerySet:
    """The products the words find (exact_ids None), or those (exact_ids: their ids) and the products the
    corrected words find (`corrected`, from _corrected_query).

    Every test of the WHERE clause is answered from an index on the product table (its document's GIN index, the
    primary key, the category index), so Postgres reads only the products found (a bitmap OR), never the whole
    table; the rank is computed for those only, on the stored names."""
    text_query = _text_query(query, language)
    by_sku = sorted(other["sku"] | other["sku_word"])
    by_category = sorted(other["category"])

    rank = SearchRank(F(NAME_DOCUMENTS[language]), text_query)
    if by_sku:
        rank += Case(When(pk__in=by_sku, then=Value(SKU_RANK)), default=Value(0.0))
    if by_category:
        rank += Case(When(category_id__in=by_category, then=Value(CATEGORY_RANK)), default=Value(0.0))
    sku_exact = ExpressionWrapper(Q(pk__in=sorted(other["sku"])) if other["sku"] else Value(False),
                                  output_field=BooleanField())
    if exact_ids is None:
        found = Q(**{DOCUMENTS[language]: text_query})  # full text: names and descriptions
        if by_sku:
            found |= Q(pk__in=by_sku)
        if by_category:
            found |= Q(category_id__in=by_category)
        return products.filter(found).annotate(
            sku_exact=sku_exact, matched=Value(True, output_field=BooleanField()), rank=rank, similarity=Value(0.0),
        )
    # The exact matches (fewer than a page) first, by their rank; then what the corrected words find, by theirs.
    if exact_ids:
        matched = ExpressionWrapper(Q(pk__in=exact_ids), output_field=BooleanField())
        rank = Case(When(pk__in=exact_ids, then=rank), default=Value(0.0))
    else:
        matched, rank = Value(False), Value(0.0)
    return products.filter(Q(pk__in=exact_ids) | Q(**{DOCUMENTS[language]: corrected})).annotate(
        sku_exact=sku_exact,
        matched=matched,
        rank=rank,
        similarity=SearchRank(F(NAME_DOCUMENTS[language]), corrected),
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


def products_search(*, query: str, filters: SearchFilters, tree: CategoryTree, language: str | None = None,
                    exact_ids: list[int] | None = None, corrected: SearchQuery | None = None,
                    other_matches: dict[str, set[int]] | None = None) -> QuerySet:
    """Products matching the (cleaned) query and the filters, best first for the relevance sort. An empty query
    gives every product the filters let through. Each row has min_price and matched (found by full-text search or
    SKU rather than by a similar spelling only). On Postgres, given `exact_ids` (the ids of the products found
    without them) and `corrected` (the query with its words' corrections, _corrected_query), the products the
    corrected words find are added, as product_search_page does; `other_matches` is what _other_matches() found
    for the query, when the caller has it already."""
    language = _language(language)
    products = _filtered(tree, filters)
    if not query:
        products = products.annotate(matched=Value(True, output_field=BooleanField()))
        return _ordered(products, filters.sort, relevance=(), language=language)
    if connection.vendor != "postgresql":
        return _ordered(_plain_search(products, query, tree), filters.sort, relevance=(), language=language)
    return _ordered(
        _postgres_search(products, query, language,
                         other_matches if other_matches is not None else _other_matches(query, language, tree),
                         exact_ids=exact_ids, corrected=corrected),
        filters.sort,
        relevance=("-sku_exact", "-rank") if exact_ids is None else ("-sku_exact", "-matched", "-rank", "-similarity"),
        language=language,
    )


def search_suggestion(*, query: str, tree: CategoryTree,
                      corrections: dict[str, list[tuple[str, float]]] | None = None) -> str | None:
    """"Did you mean": the query with each word not found in the shop's vocabulary replaced by the closest word of
    a product or category name, or None when nothing closer is found. The product names' words are the
    corrections of the query's words (_corrections(), looked up here unless the caller has them)."""
    words = re.findall(r"\w+", query.casefold())[:8]
    if not words or connection.vendor != "postgresql":
        return None
    if corrections is None:
        corrections = _corrections(_query_words(query))
    names = [w for found in corrections.values() for w, _similarity in found]
    names += [node.name for node in tree.by_id.values()]
    vocabulary = {w for n in names for w in re.findall(r"\w+", n.casefold()) if len(w) > 2 and not w.isdigit()}
    suggested = []
    for word in words:
        close = [] if word in vocabulary else difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        suggested.append(close[0] if close else word)
    return " ".join(suggested) if suggested != words else None


def _page_rows(products: QuerySet, number: int, per_page: int) -> tuple[Paginator, Page]:
    """The page asked for (the last one if it is past the end) with the count of all the rows and of the exact
    matches, read with the page's rows in one query (window counts over the rows found); only a page past the end
    costs two more (the counts, then the last page)."""
    counted = products.annotate(found_total=Window(Count("pk")),
                                found_exact=Window(Count("pk", filter=Q(matched=True))))
    start = (number - 1) * per_page
    rows = list(counted[start:start + per_page])
    if rows:
        total, exact = rows[0].found_total, rows[0].found_exact
    elif number > 1:  # past the end: the counts from the first row, then the last page
        first = list(counted[:1])
        total, exact = (first[0].found_total, first[0].found_exact) if first else (0, 0)
        number = max(1, -(-total // per_page))
        rows = list(counted[(number - 1) * per_page:number * per_page]) if total else []
    else:
        total = exact = 0
    paginator = Paginator(products, per_page)
    paginator.count = total  # counted with the rows: no COUNT query
    paginator.exact_count = exact
    return paginator, Page(rows, number, paginator)


def product_search_page(*, query: str, filters: SearchFilters, tree: CategoryTree, page: int, per_page: int,
                        language: str | None = None) -> SearchPage:
    """One page of results as product cards: the page's rows with their count in one query (on Postgres after
    one small query for the SKU and category matches), three queries for the cards.

    On Postgres, when the words find less than a page of products (and are not a SKU), their corrections are
    looked up (one query, in a transaction that sets the spelling threshold: four statements) and, if there are
    any, the search is made again with what the corrected words find added (one query); "did you mean" is
    suggested from the corrections when nothing matched but by a similar spelling."""
    language = _language(language)
    postgres = bool(query) and connection.vendor == "postgresql"
    other = _other_matches(query, language, tree) if postgres else None
    paginator, page_obj = _page_rows(
        products_search(query=query, filters=filters, tree=tree, language=language, other_matches=other),
        page, per_page,
    )
    corrections = None
    # Fewer than a page (all on this one: page_obj holds them), and not a SKU typed in full: look for corrections.
    if postgres and paginator.count < per_page and not other["sku"]:
        words = _query_words(query)
        corrections = _corrections(words)
        corrected = _corrected_query(words, corrections, language)
        if corrected is not None:
            paginator, page_obj = _page_rows(
                products_search(query=query, filters=filters, tree=tree, language=language, other_matches=other,
                                exact_ids=[p.pk for p in page_obj.object_list], corrected=corrected),
                page, per_page,
            )
    suggestion = None
    if query and paginator.exact_count == 0:
        suggestion = search_suggestion(query=query, tree=tree, corrections=corrections)
    return SearchPage(
        query=query,
        page=page_obj,
        cards=product_cards(page_obj.object_list),
        exact_count=paginator.exact_count,
        suggestion=suggestion,
        page_range=list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)),
    )
