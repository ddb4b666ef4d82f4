"""The FAQ page and its search, the ask form and the contact page through the test client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Interaction
from help.models import CustomerQuestion, SearchMiss
from help.tests.factories import FaqEntryFactory, TopicFactory
from inventory.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

FAQ = "/help/"
ASK = "/help/ask/"
CONTACT = "/contact/"


def test_the_url_names_keep_their_paths():
    assert (reverse("help:faq"), reverse("help:ask"), reverse("help:contact")) == (FAQ, ASK, CONTACT)


def test_the_faq_lists_topics_with_published_entries_without_a_query_per_topic(client, delivery):
    client.get(FAQ)  # the header's categories are cached from now on
    with CaptureQueriesContext(connection) as one_topic:
        client.get(FAQ)
    for n in range(3):
        FaqEntryFactory(topic=TopicFactory(), question_en=f"More {n}?")
    with CaptureQueriesContext(connection) as four_topics:
        response = client.get(FAQ)

    help_queries = [q["sql"] for q in four_topics.captured_queries if '"help_' in q["sql"]]
    assert len(help_queries) == 2  # topics, then their entries
    assert len(four_topics.captured_queries) == len(one_topic.captured_queries)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="h5" id="topic-delivery">Delivery</h2>' in html
    assert "<summary>How long does shipping take?</summary>" in html
    assert "<summary>Do you deliver to the Yukon?</summary>" in html
    assert "drones" not in html
    assert '<label class="form-label" for="faq-search">Search the FAQ</label>' in html


def test_the_french_faq_shows_the_french_text(client, delivery):
    html = client.get("/fr/help/").content.decode()

    assert ">Livraison</h2>" in html
    assert "<summary>Combien de temps prend la livraison?</summary>" in html
    assert "<summary>Do you deliver to the Yukon?</summary>" in html  # not translated: English


def test_a_search_shows_highlighted_results_and_logs_no_miss(client, delivery):
    html = client.get(FAQ, {"q": "Yukon"}).content.decode()

    assert "Do you deliver to the <mark>Yukon</mark>?" in html
    assert "How long does shipping take?" not in html
    assert SearchMiss.objects.count() == 0


def test_a_french_search_on_the_french_page(client, delivery):
    html = client.get("/fr/help/", {"q": "livraison"}).content.decode()

    assert "Combien de temps prend la <mark>livraison</mark>?" in html


def test_a_search_that_finds_nothing_offers_to_ask_and_is_counted_once_per_text(client, delivery):
    response = client.get(FAQ, {"q": "Gift  Cards?"})
    client.get(FAQ, {"q": "  gift cards? "})

    html = response.content.decode()
    assert "We found no answer to that yet." in html
    assert f'href="{ASK}?q=Gift++Cards%3F"' in html
    [miss] = SearchMiss.objects.all()
    assert (miss.query, miss.language, miss.count) == ("gift cards?", "en", 2)


def test_an_empty_search_shows_every_topic_and_logs_nothing(client, delivery):
    html = client.get(FAQ, {"q": "   "}).content.decode()

    assert "<summary>How long does shipping take?</summary>" in html
    assert SearchMiss.objects.count() == 0


@pytest.mark.parametrize("query", [
    "'; DROP TABLE help_faqentry; --", "<script>alert(1)</script>", "%", "\\", "&|!():*", "a" * 1000, "tab\t",
])
def test_hostile_searches_answer_200_and_echo_escaped(client, delivery, query):
    response = client.get(FAQ, {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_ask_form_is_prefilled_from_the_search(client):
    html = client.get(ASK, {"q": "Do you sell <b>gift</b> cards?"}).content.decode()

    assert ">\nDo you sell &lt;b&gt;gift&lt;/b&gt; cards?</textarea>" in html
    assert '<input type="hidden" name="from_search" value="True" id="id_from_search">' in html
    assert '<label class="form-label" for="id_name">Your name' in html


def test_the_ask_form_is_prefilled_for_a_signed_in_customer(client, django_user_model):
    user = django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana",
                                                 last_name="Tremblay")
    client.force_login(user)

    form = client.get(ASK).context["form"]

    assert (form.initial["name"], form.initial["email"]) == ("Ana Tremblay", "ana@example.com")


def test_asking_records_the_question_and_thanks(client):
    response = client.post(ASK, {"name": "Ana", "email": "ana@example.com", "question": " Gift cards? ",
                                 "from_search": "True", "website": ""})

    assert response.status_code == 302 and response["Location"] == "/help/ask/thanks/"
    question = CustomerQuestion.objects.get()
    assert (question.name, question.email, question.question, question.source, question.language) == (
        "Ana", "ana@example.com", "Gift cards?", "search", "en")
    assert Interaction.objects.get().is_open is True
    assert "Thank you for your question" in client.get(response["Location"]).content.decode()


def test_asking_in_french_records_french(client):
    client.post("/fr/help/ask/", {"name": "Chloé", "email": "chloe@example.com", "question": "Livrez-vous?"})

    assert CustomerQuestion.objects.get().language == "fr"


def test_a_bad_ask_form_is_shown_again_with_its_errors(client):
    response = client.post(ASK, {"name": "", "email": "not-an-email", "question": "x" * 2001})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Please tell us your name."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["question"] == ["Ensure this value has at most 2000 characters (it has 2001)."]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'id="id_name_error"' in html
    assert CustomerQuestion.objects.count() == 0


def test_the_honeypot_drops_a_bots_question_silently(client):
    response = client.post(ASK, {"name": "Bot", "email": "bot@example.com", "question": "Buy pills",
                                 "website": "http://spam.example"})

    assert response.status_code == 302 and response["Location"] == "/help/ask/thanks/"
    assert CustomerQuestion.objects.count() == 0
    assert Interaction.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    html = client.get(ASK).content.decode()

    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_the_contact_page_shows_email_phone_and_stores(client, settings):
    settings.SHOP_CONTACT_EMAIL = "hello@comptoir.example"
    settings.SHOP_CONTACT_PHONE = "403 555 0100"
    LocationFactory(name="Kensington store", address="1120 Kensington Rd NW", city="Calgary", province="AB")
    LocationFactory(name="Closed store", is_active=False)

    html = client.get(CONTACT).content.decode()

    assert '<a href="mailto:hello@comptoir.example">hello@comptoir.example</a>' in html
    assert '<a href="tel:4035550100">403 555 0100</a>' in html
    assert "<strong>Kensington store</strong><br>1120 Kensington Rd NW<br>Calgary, AB" in html
    assert "Closed store" not in html
    assert f'<a href="{reverse("pages:stores")}">Store hours and map</a>' in html


def test_the_contact_email_defaults_to_the_shops_sender(client, settings):
    settings.DEFAULT_FROM_EMAIL = "comptoir <shop@example.com>"

    html = client.get(CONTACT).content.decode()

    assert '<a href="mailto:shop@example.com">shop@example.com</a>' in html


def test_a_contact_message_reaches_the_question_inbox(client):
    response = client.post(CONTACT, {"name": "Ana", "email": "ana@example.com", "subject": "Wholesale",
                                     "message": "We run a café."}, follow=True)

    assert response.redirect_chain == [(CONTACT, 302)]
    assert "Thank you: your message is received. We reply by email." in response.content.decode()
    question = CustomerQuestion.objects.get()
    assert (question.source, question.subject, question.question) == ("contact", "Wholesale", "We run a café.")
    assert Interaction.objects.get().subject == "Wholesale"


def test_a_bad_contact_message_is_shown_again(client):
    response = client.post(CONTACT, {"name": "Ana", "email": "ana@example.com", "subject": "", "message": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"subject": ["Please give your message a subject."],
                                               "message": ["Please write your message."]}
    assert CustomerQuestion.objects.count() == 0


def test_a_bots_contact_message_is_dropped(client):
    client.post(CONTACT, {"name": "Bot", "email": "bot@example.com", "subject": "Hi", "message": "Spam",
                          "website": "x"})

    assert CustomerQuestion.objects.count() == 0
