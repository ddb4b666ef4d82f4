"""FAQ search on Postgres: ranking, languages, stemming, highlighted and escaped snippets, hostile input."""

import pytest

from help.selectors import faq_search, faq_topics, questions_inbox
from help.services import question_ask, search_miss_record
from help.tests.factories import FaqEntryFactory, TopicFactory

pytestmark = pytest.mark.django_db


def questions(hits):
    return [hit.entry.question_en or hit.entry.question_fr for hit in hits]


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_a_match_in_the_question_outranks_a_match_in_the_answer():
    in_answer = FaqEntryFactory(question_en="Can I pay later?", answer_en="Yes, a gift card can pay for part of it.")
    in_question = FaqEntryFactory(question_en="Do you sell gift cards?", answer_en="Yes, from $25 to $500.")
    FaqEntryFactory(question_en="Where are you?", answer_en="In Calgary.")

    hits = faq_search(query="gift card", language="en")

    assert [hit.entry for hit in hits] == [in_question, in_answer]
    assert hits[0].rank > hits[1].rank


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_english_stemming_finds_ship_when_searching_shipping():
    entry = FaqEntryFactory(question_en="Where do parcels leave from?", answer_en="We ship from Calgary.")

    hits = faq_search(query="shipping", language="en")

    assert [hit.entry for hit in hits] == [entry]
    assert hits[0].snippet_html == "We <mark>ship</mark> from Calgary."


def test_a_french_query_finds_french_content_in_french_only(delivery):
    hits = faq_search(query="livraison", language="fr")

    assert questions(hits) == ["How long does shipping take?"]  # the entry; its French text is what matched
    assert hits[0].question_html == "Combien de temps prend la <mark>livraison</mark>?"
    assert faq_search(query="livraison", language="en") == []


def test_french_search_falls_back_to_the_english_text_of_an_untranslated_entry(delivery):
    hits = faq_search(query="Yukon", language="fr")

    assert questions(hits) == ["Do you deliver to the Yukon?"]
    assert hits[0].question_html == "Do you deliver to the <mark>Yukon</mark>?"


def test_unpublished_entries_are_not_found(delivery):
    assert questions(faq_search(query="drones", language="en")) == []


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_the_snippet_escapes_the_text_and_only_marks_are_markup():
    FaqEntryFactory(question_en="Is <b>bold</b> allowed?",
                    answer_en='Type <script>alert("x")</script> & we ship it anyway.')

    [hit] = faq_search(query="ship", language="en")

    # ts_headline drops the tags of a fragment; what is left is escaped, quotes and ampersands included.
    assert hit.snippet_html == "Type  alert(&quot;x&quot;)  &amp; we <mark>ship</mark> it anyway."
    assert hit.question_html == "Is &lt;b&gt;bold&lt;/b&gt; allowed?"


def test_a_snippet_is_escaped_text_with_marks_on_every_database():
    FaqEntryFactory(question_en="Is <b>bold</b> allowed?", answer_en='Type <script>alert("x")</script> & we ship.')

    [hit] = faq_search(query="ship", language="en")

    assert "<mark>ship</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&amp;" in hit.snippet_html
    assert hit.question_html == "Is &lt;b&gt;bold&lt;/b&gt; allowed?"


@pytest.mark.parametrize("query", [
    "'; DROP TABLE help_faqentry; --", "<script>alert(1)</script>", "%", "\\", "&|!():*", "ship:*", '"unclosed',
    "x" * 1000, "shipping " * 125, "null\x00byte",
])
def test_hostile_or_long_queries_are_safe(delivery, query):
    hits = faq_search(query=query, language="en")

    assert isinstance(hits, list)
    assert all(hit.entry.is_published for hit in hits)


def test_an_empty_query_finds_nothing(delivery):
    assert faq_search(query="   ", language="en") == []


def test_topics_list_their_published_entries_in_the_language_of_the_page(delivery):
    french_only = TopicFactory(name_en="Gifts", name_fr="Cadeaux", slug="gifts", position=2)
    FaqEntryFactory(topic=french_only, question_en="", question_fr="Emballez-vous les cadeaux?",
                    answer_en="", answer_fr="Oui.")

    english = faq_topics(language="en")
    french = faq_topics(language="fr")

    assert [(t.slug, [e.question_en for e in t.published_entries]) for t in english] == [
        ("delivery", ["How long does shipping take?", "Do you deliver to the Yukon?"])]
    assert [(t.slug, len(t.published_entries)) for t in french] == [("delivery", 2), ("gifts", 1)]


def test_the_inbox_counts_same_questions_and_unresolved_misses():
    first = question_ask(name="Ana", email="ana@example.com", question="Do you sell  GIFT cards?", language="en")
    question_ask(name="Bob", email="bob@example.com", question="do you sell gift cards?", language="en")
    other = question_ask(name="Chloé", email="chloe@example.com", question="Do you ship to France?", language="fr")
    search_miss_record(query="Do you sell gift cards?", language="en")
    search_miss_record(query="do you sell gift cards?", language="fr")

    counts = {q.pk: q.times_asked for q in questions_inbox()}

    assert counts[first.pk] == 4  # two questions + one miss in English + one in French
    assert counts[other.pk] == 1
