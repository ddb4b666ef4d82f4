"""The staff inbox in the admin: ranking, answering and publishing through the admin pages, with the test client."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm.models import Interaction
from help.models import CustomerQuestion, FaqEntry, SearchMiss
from help.services import question_answer, question_ask, search_miss_record
from help.tests.factories import TopicFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db

INBOX = "/admin/help/customerquestion/"


@pytest.fixture
def manon(django_user_model):
    return django_user_model.objects.create_superuser("manon", "manon@example.com", "pw")


@pytest.fixture
def staff_client(client, manon):
    client.force_login(manon)
    return client


def ask(question, *, email="ana@example.com", days_ago=0, language="en"):
    asked = question_ask(name="Ana", email=email, question=question, language=language)
    CustomerQuestion.objects.filter(pk=asked.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return asked


def change_url(question):
    return reverse("admin:help_customerquestion_change", args=[question.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_inbox_puts_unanswered_first_then_the_most_asked_then_the_oldest(staff_client, manon):
    oldest_once = ask("Do you gift wrap?", days_ago=9)
    newer_once = ask("Are you open on Sunday?", days_ago=1)
    popular = ask("Do you sell gift cards?", days_ago=2)
    popular_again = ask("do you sell GIFT cards?", email="bob@example.com", days_ago=3)
    search_miss_record(query="Do you sell gift cards?", language="en")
    twice_by_search = ask("Where is the Calgary store?", days_ago=5)
    search_miss_record(query="where is the calgary store?", language="fr")
    answered_most = ask("Is shipping free?", days_ago=20)
    for _n in range(5):
        search_miss_record(query="Is shipping free?", language="en")
    question_answer(question=answered_most, answer="Over $100.", user=manon)

    response = staff_client.get(INBOX)

    assert response.status_code == 200
    rows = [(q.pk, q.times_asked) for q in response.context["cl"].result_list]
    assert rows == [
        (popular_again.pk, 3), (popular.pk, 3),  # two questions + one miss; the older first
        (twice_by_search.pk, 2),  # a question + a miss of the same text in French
        (oldest_once.pk, 1), (newer_once.pk, 1),
        (answered_most.pk, 6),  # answered: after every unanswered question, however often asked
    ]
    assert "<td class=\"field-times_asked\">3</td>" in response.content.decode()


def test_staff_answer_in_the_change_form_and_the_asker_is_emailed_once(staff_client,
                                                                       django_capture_on_commit_callbacks):
    question = ask("Livrez-vous au Yukon?", language="fr")
    url = change_url(question)
    assert "Livrez-vous au Yukon?" in staff_client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"answer": "Oui, partout au Canada.", "publish_topic": "",
                                           "_send_answer": "Send answer"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert texts(response) == ["Answer emailed to ana@example.com."]
    question.refresh_from_db()
    assert (question.status, question.answer) == ("answered", "Oui, partout au Canada.")
    assert [(m.to, m.extra_headers["Content-Language"]) for m in mail.outbox] == [(["ana@example.com"], "fr")]
    assert Interaction.objects.get(kind="question").is_open is False

    # Pressed again with the same answer: not sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"answer": "Oui, partout au Canada.", "publish_topic": "",
                                           "_send_answer": "Send answer"}, follow=True)
    assert texts(response) == ["This answer was already emailed; it was not sent again."]
    assert len(mail.outbox) == 1 and OutboxEmail.objects.count() == 1


def test_sending_an_empty_answer_is_refused_on_the_form(staff_client):
    question = ask("Do you sell gift cards?")

    response = staff_client.post(change_url(question), {"answer": "  ", "publish_topic": "",
                                                        "_send_answer": "Send answer"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["answer"] == ["Write an answer before sending it."]
    question.refresh_from_db()
    assert question.status == "new"
    assert OutboxEmail.objects.count() == 0


def test_a_draft_is_saved_without_sending(staff_client):
    question = ask("Do you sell gift cards?")

    staff_client.post(change_url(question), {"answer": "Yes, from $25.", "publish_topic": "", "_continue": "Save"})

    question.refresh_from_db()
    assert (question.answer, question.status, question.emailed_answer) == ("Yes, from $25.", "new", "")
    assert OutboxEmail.objects.count() == 0


def test_publishing_from_the_change_form_into_a_chosen_topic(staff_client, manon):
    topic = TopicFactory(name_en="Gifts", slug="gifts")
    question = ask("Do you sell gift cards?")
    search_miss_record(query="do you sell gift cards?", language="en")
    question_answer(question=question, answer="Yes, from $25.", user=manon)
    assert 'name="_publish"' in staff_client.get(change_url(question)).content.decode()

    response = staff_client.post(change_url(question), {"answer": "Yes, from $25.", "publish_topic": topic.pk,
                                                        "_publish": "Publish into the FAQ"}, follow=True)

    assert texts(response) == ["Published in the FAQ under “Gifts”."]
    entry = FaqEntry.objects.get()
    assert (entry.topic, entry.question_en, entry.answer_en, entry.is_published) == (
        topic, "Do you sell gift cards?", "Yes, from $25.", True)
    question.refresh_from_db()
    assert (question.status, question.faq_entry) == ("published", entry)
    assert SearchMiss.objects.get().resolved_at is not None


def test_publishing_an_unanswered_question_from_the_change_form_is_refused(staff_client):
    question = ask("Do you sell gift cards?")

    response = staff_client.post(change_url(question), {"answer": "Yes.", "publish_topic": "",
                                                        "_publish": "Publish into the FAQ"})

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Send an answer before publishing the question in the FAQ."]
    assert FaqEntry.objects.count() == 0


def test_the_publish_action_publishes_answered_questions_and_refuses_the_others(staff_client, manon):
    answered = ask("Do you sell gift cards?")
    question_answer(question=answered, answer="Yes.", user=manon)
    unanswered = ask("Are you open on Sunday?")

    response = staff_client.post(INBOX, {"action": "publish_into_faq", "topic": "",
                                         "_selected_action": [answered.pk, unanswered.pk]}, follow=True)

    assert texts(response) == [
        "1 question published in the FAQ.",
        "“Are you open on Sunday?”: Send an answer before publishing the question in the FAQ.",
    ]
    entry = FaqEntry.objects.get()
    assert (entry.topic.slug, entry.question_en) == ("other-questions", "Do you sell gift cards?")
    assert 'Other questions</option>' in staff_client.get(INBOX).content.decode()  # the topic choice


def test_the_search_miss_list_is_read_only_and_most_searched_first(staff_client):
    search_miss_record(query="gift cards", language="en")
    for _n in range(3):
        search_miss_record(query="sunday hours", language="en")

    response = staff_client.get("/admin/help/searchmiss/")

    assert [(m.query, m.count) for m in response.context["cl"].result_list] == [("sunday hours", 3),
                                                                                ("gift cards", 1)]
    miss = SearchMiss.objects.get(query="gift cards")
    detail = staff_client.get(reverse("admin:help_searchmiss_change", args=[miss.pk])).content.decode()
    assert 'name="query"' not in detail


def test_the_faq_admin_edits_both_languages(staff_client):
    html = staff_client.get(reverse("admin:help_faqentry_add")).content.decode()

    for name in ("question_en", "question_fr", "answer_en", "answer_fr"):
        assert f'name="{name}"' in html
