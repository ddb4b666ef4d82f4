"""The unanswered-question loop in a real browser: a visitor searches the FAQ and finds nothing, asks; staff see the
question in the admin inbox, answer it (the visitor is emailed) and publish it into the FAQ; the visitor's next
search finds the published answer, the searched words highlighted."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from crm.models import Interaction
from help.models import CustomerQuestion, FaqEntry, SearchMiss
from help.tests.factories import FaqEntryFactory, TopicFactory
from tests.e2e.helpers import admin_log_in, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Do you sell gift cards?"
ANSWER = "Yes: gift cards from $25 to $500, sent by email or picked up in store."


def test_a_question_nobody_had_answered_becomes_an_faq_answer(page: Page, new_context, staff):
    delivery = TopicFactory(name_en="Delivery", slug="delivery")
    FaqEntryFactory(topic=delivery, question_en="Do you deliver to the Yukon?", answer_en="Yes, everywhere.")

    # The visitor searches the FAQ and finds nothing.
    page.goto("/help/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Help and frequently asked questions", level=1)).to_be_visible()
    expect(main.get_by_text("Do you deliver to the Yukon?")).to_be_visible()
    main.get_by_label("Search the FAQ").fill(QUESTION)
    main.get_by_role("button", name="Search").click()
    expect(main.get_by_text("We found no answer to that yet.")).to_be_visible()

    # "Ask us": the form starts with what was searched.
    main.get_by_role("link", name="Ask us").click()
    expect(page.get_by_role("heading", name="Ask a question", level=1)).to_be_visible()
    expect(page.get_by_label("Your question")).to_have_value(QUESTION)
    page.get_by_label("Your name").fill("Ana Tremblay")
    page.get_by_role("main").get_by_label("Your email").fill("ana@example.com")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_role("heading", name="Thank you for your question", level=1)).to_be_visible()

    question = CustomerQuestion.objects.get()
    assert (question.source, question.status, question.contact.email) == ("search", "new", "ana@example.com")
    assert Interaction.objects.get(kind="question").is_open is True
    assert SearchMiss.objects.get().count == 1

    # Staff find it in the inbox, asked twice (the question and the search that missed), and answer it.
    staff_page = new_context().new_page()
    admin_log_in(staff_page, staff)
    staff_page.get_by_role("link", name="Customer questions", exact=True).click()  # not Today's "… to answer"
    row = staff_page.get_by_role("row").filter(has_text=QUESTION)
    expect(row.get_by_role("cell").nth(-2)).to_have_text("2")  # times asked, just before "asked"
    row.get_by_role("link", name=QUESTION).click()
    staff_page.get_by_role("textbox", name="Answer").fill(ANSWER)
    staff_page.get_by_role("button", name="Send answer").click()
    expect(staff_page.get_by_text("Answer emailed to ana@example.com.")).to_be_visible()

    # The visitor's email: once, with the answer.
    [email] = [m for m in mail.outbox if m.to == ["ana@example.com"]]
    assert email.subject == "comptoir: the answer to your question"
    assert QUESTION in email.body and ANSWER in email.body

    # Publishing: the list action, in the default topic.
    staff_page.get_by_role("link", name="Customer questions").first.click()
    row = staff_page.get_by_role("row").filter(has_text=QUESTION)
    row.get_by_role("checkbox").check()
    staff_page.get_by_role("combobox", name="Action").select_option(label="Publish into the FAQ")
    expect(staff_page.get_by_role("combobox", name="FAQ topic")).to_have_value("")  # "Other questions"
    staff_page.get_by_role("button", name="Run", exact=True).click()
    expect(staff_page.get_by_text("1 question published in the FAQ.")).to_be_visible()
    expect(staff_page.get_by_role("row").filter(has_text=QUESTION)).to_contain_text("Published in the FAQ")

    entry = FaqEntry.objects.get(question_en=QUESTION)
    assert (entry.topic.name_en, entry.answer_en, entry.is_published) == ("Other questions", ANSWER, True)
    assert SearchMiss.objects.get().resolved_at is not None

    # The visitor searches again and finds the answer, the words highlighted.
    page.goto("/help/")
    main.get_by_label("Search the FAQ").fill("gift cards")
    main.get_by_role("button", name="Search").click()
    result = main.get_by_role("heading", name=QUESTION, level=3)
    expect(result).to_be_visible()
    expect(result.locator("mark")).to_have_text(["gift", "cards"])
    expect(main.get_by_text(re.compile(r"from \$25 to \$500"))).to_be_visible()
    expect(main.get_by_text("We found no answer to that yet.")).to_have_count(0)
    # And the FAQ lists it under "Other questions".
    page.goto("/help/")
    expect(main.get_by_role("heading", name="Other questions", level=2)).to_be_visible()
    expect(messages(page)).to_have_count(0)
