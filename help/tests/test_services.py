"""Questions asked, answered (emailed once through the outbox, in the asker's language) and published."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from crm.models import ConsentEvent, Contact, Interaction
from help.models import CustomerQuestion, FaqEntry, SearchMiss, Topic
from help.services import (
    QuestionError,
    question_answer,
    question_ask,
    question_publish,
    search_miss_record,
)
from help.tests.factories import TopicFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def manon(django_user_model):
    return django_user_model.objects.create_user("manon", "manon@example.com", "pw", is_staff=True)


def ask(**overrides):
    return question_ask(**{"name": "Ana Tremblay", "email": "Ana@Example.com", "question": "Do you sell gift cards?",
                           "language": "en", **overrides})


def test_asking_records_the_question_as_an_open_interaction_on_the_askers_contact():
    question = ask()

    contact = Contact.objects.get()
    interaction = Interaction.objects.get()
    assert (contact.email, contact.name, contact.kind) == ("ana@example.com", "Ana Tremblay", Contact.Kind.CUSTOMER)
    assert (question.contact, question.interaction, question.status) == (contact, interaction,
                                                                         CustomerQuestion.Status.NEW)
    assert (question.normalised, question.source, question.language) == ("do you sell gift cards?", "faq", "en")
    assert (interaction.contact, interaction.kind, interaction.is_open) == (contact, Interaction.Kind.QUESTION, True)
    assert (interaction.subject, interaction.body) == ("Do you sell gift cards?", "Do you sell gift cards?")
    # An inquiry implies consent for six months (CASL), as the privacy statement says.
    assert set(ConsentEvent.objects.values_list("contact", "basis")) == {(contact.pk, "implied_inquiry")}
    assert OutboxEmail.objects.count() == 0  # nothing is sent when asking


def test_a_second_question_from_the_same_email_lands_on_the_same_contact():
    ask()
    ask(email="ana@example.com", question="And in French?", language="fr-ca")

    assert Contact.objects.count() == 1
    assert list(Interaction.objects.order_by("pk").values_list("subject", flat=True)) == [
        "Do you sell gift cards?", "And in French?"]
    assert CustomerQuestion.objects.order_by("pk").last().language == "fr"


def test_the_contact_form_subject_becomes_the_interaction_subject():
    question = ask(source=CustomerQuestion.Source.CONTACT, subject="Wholesale order", question="We run a café.")

    assert question.interaction.subject == "Wholesale order"
    assert question.source == "contact"


def test_answering_emails_the_asker_once_in_their_language_and_closes_the_interaction(
        manon, django_capture_on_commit_callbacks):
    question = ask(name="Chloé Roy", email="chloe@example.com", question="Livrez-vous au Yukon?", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        emailed = question_answer(question=question, answer="  Oui, partout au Canada.  ", user=manon)

    assert emailed is True
    assert (question.status, question.answer, question.answered_by) == ("answered", "Oui, partout au Canada.", manon)
    assert question.answered_at is not None
    [email] = mail.outbox
    assert email.to == ["chloe@example.com"]
    with translation.override("fr"):  # the French catalogue's wording (English until it is translated)
        assert email.subject == gettext("%(shop)s: the answer to your question") % {"shop": "comptoir"}
    assert email.extra_headers["Content-Language"] == "fr"
    assert "Oui, partout au Canada." in email.body and "Livrez-vous au Yukon?" in email.body
    assert "/fr/help/ask/" in email.body
    queued = OutboxEmail.objects.get()
    assert (queued.language, queued.reference, queued.status) == ("fr", f"question-{question.pk}", "sent")
    question.interaction.refresh_from_db()
    assert question.interaction.is_open is False
    logged = Interaction.objects.get(kind=Interaction.Kind.EMAIL)
    assert (logged.contact, logged.body, logged.created_by) == (question.contact, "Oui, partout au Canada.", manon)

    # The same answer again: nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert question_answer(question=question, answer="Oui, partout au Canada.", user=manon) is False
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.count() == 1

    # A corrected answer is sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert question_answer(question=question, answer="Oui, partout au Canada, en 5 jours.", user=manon) is True
    assert [m.to for m in mail.outbox] == [["chloe@example.com"], ["chloe@example.com"]]
    assert "Oui, partout au Canada, en 5 jours." in mail.outbox[1].body


def test_the_answer_email_escapes_what_the_asker_wrote_in_html(manon, django_capture_on_commit_callbacks):
    question = ask(name="<b>Ana</b>", question="<script>x</script>?")

    with django_capture_on_commit_callbacks(execute=True):
        question_answer(question=question, answer="Yes & no <i>really</i>", user=manon)

    html = OutboxEmail.objects.get().html_body
    assert "<script>" not in html and "<b>Ana</b>" not in html and "<i>really</i>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;?" in html and "Yes &amp; no &lt;i&gt;really&lt;/i&gt;" in html


def test_an_empty_answer_is_refused_and_nothing_is_sent(manon):
    question = ask()

    with pytest.raises(QuestionError, match="Write an answer before sending it."):
        question_answer(question=question, answer="  \n ", user=manon)

    question.refresh_from_db()
    assert (question.status, question.answer) == ("new", "")
    assert OutboxEmail.objects.count() == 0
    assert Interaction.objects.get().is_open is True


def test_publishing_creates_a_published_entry_in_other_questions_and_resolves_the_misses(manon):
    search_miss_record(query="Do you sell GIFT cards?", language="en")
    search_miss_record(query="other thing", language="en")
    question = ask()
    question_answer(question=question, answer="Yes, from $25 to $500.", user=manon)

    entry = question_publish(question=question, user=manon)

    other = Topic.objects.get(slug="other-questions")
    assert (other.name_en, other.name_fr) == ("Other questions", "Autres questions")
    assert (entry.topic, entry.is_published) == (other, True)
    assert (entry.question_en, entry.answer_en) == ("Do you sell gift cards?", "Yes, from $25 to $500.")
    assert (entry.question_fr, entry.answer_fr) == (None, None)
    assert (question.status, question.faq_entry) == ("published", entry)
    assert {miss.query: miss.resolved_at is not None for miss in SearchMiss.objects.all()} == {
        "do you sell gift cards?": True, "other thing": False}

    with pytest.raises(QuestionError, match="already in the FAQ"):
        question_publish(question=question, user=manon)
    assert FaqEntry.objects.count() == 1
    assert Topic.objects.count() == 1


def test_a_french_question_is_published_in_the_french_fields_of_the_chosen_topic(manon):
    topic = TopicFactory(name_en="Delivery", slug="delivery")
    question = ask(question="Livrez-vous au Yukon?", language="fr")
    question_answer(question=question, answer="Oui.", user=manon)

    entry = question_publish(question=question, topic=topic, user=manon)

    assert (entry.topic, entry.question_fr, entry.answer_fr) == (topic, "Livrez-vous au Yukon?", "Oui.")
    assert entry.question_en in ("", None)


def test_an_unanswered_question_cannot_be_published(manon):
    question = ask()

    with pytest.raises(QuestionError, match="Send an answer before publishing"):
        question_publish(question=question, user=manon)
    assert FaqEntry.objects.count() == 0


def test_a_search_miss_is_counted_per_normalised_text_and_language():
    search_miss_record(query="  Gift   CARDS ", language="en")
    search_miss_record(query="gift cards", language="en")
    search_miss_record(query="gift cards", language="fr")

    assert sorted(SearchMiss.objects.values_list("query", "language", "count")) == [
        ("gift cards", "en", 2), ("gift cards", "fr", 1)]
    assert search_miss_record(query=" \t ", language="en") is None
    assert SearchMiss.objects.count() == 2
    long = search_miss_record(query="x" * 1000, language="en")
    assert long.query == "x" * 200
