"""Reads for the help pages and the staff inbox.

faq_search runs Postgres full-text search in the active language's configuration ('english' or 'french') over the
entry's question (weight A) and answer (weight B) in that language, French falling back to the English text like
modeltranslation does; websearch_to_tsquery accepts anything a visitor types. Snippets come from ts_headline with
private-use sentinels around the matches: the text is escaped first, then only the sentinels become <mark> tags.
Other databases (SQLite in `make run`) fall back to a case-insensitive match of every word, highlighted too.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from inventory.locations import StockLocation

from .models import CustomerQuestion, FaqEntry, SearchMiss, Topic

SEARCH_CONFIGS = {"en": "english", "fr": "french"}
QUERY_MAX = 1000
_START, _STOP = "\ue000", "\ue001"  # private-use characters: nobody types them into an FAQ answer


@dataclass(frozen=True)
class FaqHit:
    entry: FaqEntry
    question_html: SafeString
    snippet_html: SafeString
    rank: float


def _language(language: str) -> str:
    return "fr" if (language or "").startswith("fr") else "en"


def _text(field: str, language: str):
    """The field's text in `language`; French falls back to English when empty."""
    if language == "fr":
        return Coalesce(NullIf(F(f"{field}_fr"), Value("")), F(f"{field}_en"), Value(""), output_field=TextField())
    return Coalesce(F(f"{field}_en"), Value(""), output_field=TextField())


def _visible(language: str) -> Q:
    """Published entries that have a question in this language (an English page skips French-only entries)."""
    has_english = Q(question_en__isnull=False) & ~Q(question_en="")
    if language == "fr":
        return has_english | (Q(question_fr__isnull=False) & ~Q(question_fr=""))
    return has_english


def faq_entries(*, language: str) -> QuerySet[FaqEntry]:
    return FaqEntry.objects.published().filter(_visible(_language(language))).order_by("position", "pk")


def faq_topics(*, language: str) -> list[Topic]:
    """Topics with their published entries (prefetched), empty topics left out."""
    entries = faq_entries(language=language)
    topics = Topic.objects.filter(entries__in=entries).distinct().order_by("position", "pk")
    return list(topics.prefetch_related(Prefetch("entries", queryset=entries, to_attr="published_entries")))


def _highlighted(text: str) -> SafeString:
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def faq_search(*, query: str, language: str, limit: int = 20) -> list[FaqHit]:
    """Published entries matching `query` in `language`, best first (a match in the question weighs more than one
    in the answer), with highlighted question and snippet. An empty query finds nothing."""
    query = query.replace("\x00", "").strip()[:QUERY_MAX]
    if not query:
        return []
    language = _language(language)
    entries = faq_entries(language=language).select_related("topic")
    if connection.vendor != "postgresql":
        return _search_substring(entries=entries, query=query, language=language, limit=limit)
    config = SEARCH_CONFIGS[language]
    question, answer = _text("question", language), _text("answer", language)
    vector = SearchVector(question, weight="A", config=config) + SearchVector(answer, weight="B", config=config)
    search = SearchQuery(query, search_type="websearch", config=config)
    found = (
        entries.annotate(document=vector, rank=SearchRank(vector, search))
        .filter(document=search)
        .annotate(
            question_headline=SearchHeadline(question, search, config=config, start_sel=_START, stop_sel=_STOP,
                                             highlight_all=True),
            answer_headline=SearchHeadline(answer, search, config=config, start_sel=_START, stop_sel=_STOP,
                                           max_words=35, min_words=15, short_word=0),
        )
        .order_by("-rank", "position", "pk")[:limit]
    )
    return [FaqHit(entry=entry, question_html=_highlighted(entry.question_headline),
                   snippet_html=_highlighted(entry.answer_headline), rank=entry.rank) for entry in found]


def _marked(text: str, words: list[str]) -> SafeString:
    """The text escaped, each case-insensitive occurrence of a word wrapped in <mark>."""
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    return _highlighted(pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", text))


def _search_substring(*, entries, query: str, language: str, limit: int) -> list[FaqHit]:
    """Without Postgres: entries holding every word of the query (case-insensitive), in the question or the answer
    shown in this language; the words are highlighted, as on Postgres. No stemming and no ranking."""
    words = [word for word in re.findall(r"\w+", query) if len(word) > 1][:10] or [query]
    fields = ["question_en", "answer_en"] + (["question_fr", "answer_fr"] if language == "fr" else [])
    for word in words:
        matches = Q()
        for field in fields:
            matches |= Q(**{f"{field}__icontains": word})
        entries = entries.filter(matches)
    return [FaqHit(entry=entry, question_html=_marked(_shown(entry, "question", language), words),
                   snippet_html=_marked(Truncator(_shown(entry, "answer", language)).words(35), words), rank=0.0)
            for entry in entries[:limit]]


def _shown(entry: FaqEntry, field: str, language: str) -> str:
    """The field's text in `language`, French falling back to English (as _text does in SQL)."""
    return (language == "fr" and getattr(entry, f"{field}_fr")) or getattr(entry, f"{field}_en") or ""


def stores_for_contact() -> QuerySet[StockLocation]:
    """The open stores, for the contact page (their hours and maps are on the stores page)."""
    return StockLocation.objects.filter(kind=StockLocation.Kind.STORE, is_active=True).order_by("name", "pk")


def questions_inbox() -> QuerySet[CustomerQuestion]:
    """Customer questions with `times_asked` (questions with the same normalised text + the unresolved FAQ searches
    that missed it) and `waiting` (0 for new questions, 1 otherwise), for the staff inbox: unanswered first, the
    most asked first, then the oldest."""
    same_text = (
        CustomerQuestion.objects.filter(normalised=OuterRef("normalised"))
        .order_by().values("normalised").annotate(n=Count("pk")).values("n")
    )
    misses = (
        SearchMiss.objects.filter(query=OuterRef("normalised"), resolved_at__isnull=True)
        .order_by().values("query").annotate(n=Sum("count")).values("n")
    )
    return CustomerQuestion.objects.select_related("contact", "faq_entry").annotate(
        times_asked=Coalesce(Subquery(same_text, output_field=IntegerField()), 0)
        + Coalesce(Subquery(misses, output_field=IntegerField()), 0),
        waiting=Case(When(status=CustomerQuestion.Status.NEW, then=Value(0)), default=Value(1),
                     output_field=IntegerField()),
    )


INBOX_ORDERING = ["waiting", "-times_asked", "created_at", "pk"]
