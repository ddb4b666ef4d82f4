"""An answer is the shop's (published at once, marked "Answer from the shop") only when its author moderates answers
(community.change_productanswer); any other staff member answers like a customer and waits for moderation."""

import pytest
from django.urls import reverse

from community.models import ProductQuestion

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db


def answer_url(question):
    product = question.product
    return reverse("community:answer_write", kwargs={"key": (product.slug, product.pk), "pk": question.pk})


def test_a_store_clerks_answer_waits_for_moderation_like_a_customers(client, mug, staff_in):
    question = QuestionFactory(product=mug, status=ProductQuestion.Status.PUBLISHED)
    client.force_login(staff_in("Store staff"))

    client.post(answer_url(question), {"text": "I think so."})

    assert list(question.answers.values_list("text", "status", "is_staff_answer")) == [
        ("I think so.", "pending", False)]


def test_marketings_answer_is_the_shops_and_published_at_once(client, mug, staff_in):
    question = QuestionFactory(product=mug, status=ProductQuestion.Status.PUBLISHED)
    client.force_login(staff_in("Marketing"))

    client.post(answer_url(question), {"text": "Yes, top rack."})

    assert list(question.answers.values_list("text", "status", "is_staff_answer")) == [
        ("Yes, top rack.", "published", True)]
    assert "Answer from the shop" in client.get(mug.get_absolute_url()).content.decode()
