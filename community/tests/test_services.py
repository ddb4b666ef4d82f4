"""Reviews from verified buyers only, one per customer and product; moderation changes the average and refreshes
the cached pages; questions and answers go through moderation, staff answers are published and emailed."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog import page_cache
from community import selectors, services
from community.models import ProductAnswer, ProductQuestion, Review
from crm.models import Contact, Interaction
from outbox.models import OutboxEmail

from .factories import AnswerFactory, QuestionFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def _submit(user, product, rating=4, title="Lovely mug", body="Keeps coffee hot."):
    return services.review_submit(product=product, user=user, rating=rating, title=title, body=body, language="en")


# Who may review


@pytest.mark.parametrize("status", ["paid", "preparing", "shipped", "delivered"])
def test_a_customer_with_a_paid_shipped_or_delivered_order_of_the_product_is_a_verified_buyer(
    ana, mug, order_of, status
):
    order_of(ana, mug, status)

    assert selectors.review_verified_buyer(user=ana, product_id=mug.pk) is True


@pytest.mark.parametrize("status", ["received", "cancelled"])
def test_an_unpaid_or_cancelled_order_does_not_make_a_verified_buyer(ana, mug, order_of, status):
    order_of(ana, mug, status)

    assert selectors.review_verified_buyer(user=ana, product_id=mug.pk) is False


def test_buying_another_product_does_not_verify_a_review_of_this_one(ana, mug, order_of, kitchen, warehouse):
    from catalog.tests.factories import VariantFactory
    from inventory import services as stock_services

    kettle = VariantFactory(sku="KET-1", product__name="Kettle", product__category=kitchen)
    stock_services.stock_receive(variant=kettle, location=warehouse, quantity=2)
    order_of(ana, kettle.product, "paid")

    assert selectors.review_verified_buyer(user=ana, product_id=mug.pk) is False
    with pytest.raises(services.ReviewNotAllowed):
        _submit(ana, mug)
    assert Review.objects.count() == 0


def test_a_verified_buyers_review_waits_for_moderation(buyer, mug):
    review = _submit(buyer, mug)

    review.refresh_from_db()
    assert (review.status, review.verified_buyer, review.rating, review.author_id) == (
        Review.Status.PENDING, True, 4, buyer.pk)
    assert selectors.rating_summary(product_id=mug.pk) == selectors.RatingSummary(average=None, count=0)


def test_a_second_review_of_the_same_product_rewrites_the_first_and_waits_again(buyer, mug, moderator):
    first = _submit(buyer, mug, rating=2)
    services.reviews_approve(review_ids=[first.pk], user=moderator)

    second = _submit(buyer, mug, rating=5, title="Grew on me")

    assert second.pk == first.pk
    assert list(Review.objects.values_list("rating", "title", "status")) == [(5, "Grew on me", "pending")]


def test_the_database_refuses_two_reviews_by_one_customer_of_one_product(buyer, mug):
    ReviewFactory(product=mug, author=buyer)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(product=mug, author=buyer)


@pytest.mark.parametrize("rating", [0, 6])
def test_the_database_refuses_a_rating_outside_1_to_5(mug, rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(product=mug, rating=rating)


# Moderation


def test_approving_and_rejecting_reviews_changes_the_average(mug, moderator):
    five = ReviewFactory(product=mug, rating=5)
    four = ReviewFactory(product=mug, rating=4)
    two = ReviewFactory(product=mug, rating=2)

    assert services.reviews_approve(review_ids=[five.pk, four.pk, two.pk], user=moderator) == 3
    assert selectors.rating_summary(product_id=mug.pk) == selectors.RatingSummary(Decimal("3.7"), 3)

    assert services.reviews_reject(review_ids=[two.pk], user=moderator) == 1
    assert selectors.rating_summary(product_id=mug.pk) == selectors.RatingSummary(Decimal("4.5"), 2)
    two.refresh_from_db()
    assert (two.status, two.moderated_by) == (Review.Status.REJECTED, moderator)


def test_approving_an_approved_review_again_changes_nothing(mug, moderator):
    review = ReviewFactory(product=mug)
    services.reviews_approve(review_ids=[review.pk], user=moderator)

    assert services.reviews_approve(review_ids=[review.pk], user=moderator) == 0


def _versions(product):
    names = [page_cache.product_key(product.pk), page_cache.category_key(product.category_id), page_cache.STOCK_ALL]
    return dict(zip(names, page_cache.versions_get(names), strict=True))


def test_approving_a_review_refreshes_the_product_its_categories_and_the_home_page_after_commit(
    mug, moderator, django_capture_on_commit_callbacks
):
    from catalog.tests.factories import CategoryFactory

    parent = CategoryFactory(name="House")
    mug.category.parent = parent
    mug.category.save()
    review = ReviewFactory(product=mug)
    before = _versions(mug)
    parent_before = page_cache.versions_get([page_cache.category_key(parent.pk)])

    with django_capture_on_commit_callbacks(execute=True):
        services.reviews_approve(review_ids=[review.pk], user=moderator)

    after = _versions(mug)
    assert all(after[name] == before[name] + 1 for name in before)
    assert page_cache.versions_get([page_cache.category_key(parent.pk)]) == [parent_before[0] + 1]


def test_rejecting_a_pending_review_leaves_the_pages_cached(mug, moderator, django_capture_on_commit_callbacks):
    review = ReviewFactory(product=mug)
    before = _versions(mug)

    with django_capture_on_commit_callbacks(execute=True):
        services.reviews_reject(review_ids=[review.pk], user=moderator)

    assert _versions(mug) == before


def test_rewriting_an_approved_review_takes_it_off_the_cached_pages(
    buyer, mug, moderator, django_capture_on_commit_callbacks
):
    review = _submit(buyer, mug)
    services.reviews_approve(review_ids=[review.pk], user=moderator)
    before = _versions(mug)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(buyer, mug, rating=1)

    assert _versions(mug)[page_cache.product_key(mug.pk)] == before[page_cache.product_key(mug.pk)] + 1


# Questions and answers


def test_a_visitors_question_waits_and_is_recorded_on_their_crm_contact(mug):
    contact = Contact.objects.create(kind=Contact.Kind.CUSTOMER, email="luc@example.com", name="Luc")

    question = services.question_ask(product=mug, text="Is it dishwasher safe?", language="fr", name="Luc",
                                     email="luc@example.com")

    assert (question.status, question.author, question.email) == (ProductQuestion.Status.PENDING, None,
                                                                  "luc@example.com")
    [interaction] = Interaction.objects.all()
    assert (interaction.contact, interaction.kind, interaction.body) == (
        contact, Interaction.Kind.QUESTION, "Is it dishwasher safe?")
    assert interaction.subject == "Product question: Stoneware Mug"


def test_a_question_from_someone_unknown_to_the_crm_creates_no_contact(mug):
    services.question_ask(product=mug, text="Microwave?", language="en", name="Zoé", email="zoe@example.com")

    assert (Contact.objects.count(), Interaction.objects.count()) == (0, 0)


def test_a_signed_in_customers_question_is_answered_to_their_account_email(mug, ana):
    question = services.question_ask(product=mug, text="Size?", language="en", user=ana, name="x", email="x@x.ca")

    assert (question.author, question.name, question.email) == (ana, "", "ana@example.com")


def test_a_customers_answer_waits_for_moderation_and_publishing_it_emails_the_asker(
    mug, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    question = QuestionFactory(product=mug, status=ProductQuestion.Status.PUBLISHED, language="fr")
    helper = UserFactory(first_name="Jo", last_name="")

    answer = services.answer_post(question=question, user=helper, text="Oui, sans problème.", language="fr")
    assert (answer.status, answer.is_staff_answer) == (ProductAnswer.Status.PENDING, False)
    assert OutboxEmail.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert services.answers_publish(answer_ids=[answer.pk], user=moderator) == 1

    [email] = OutboxEmail.objects.all()
    assert (email.to, email.language, email.reference) == ("luc@example.com", "fr", f"product-answer-{answer.pk}")
    assert "Stoneware Mug" in email.subject  # in French once the catalogue is translated
    assert "Oui, sans problème." in email.text_body
    assert [m.to for m in mailoutbox] == [["luc@example.com"]]


def test_a_staff_answer_is_published_at_once_with_its_waiting_question(mug, moderator):
    question = QuestionFactory(product=mug, language="en")

    answer = services.answer_post(question=question, user=moderator, text="Yes.", language="en")

    question.refresh_from_db()
    assert (answer.status, answer.is_staff_answer, question.status) == (
        ProductAnswer.Status.PUBLISHED, True, ProductQuestion.Status.PUBLISHED)
    [email] = OutboxEmail.objects.all()
    assert email.subject == "comptoir: your question about Stoneware Mug has an answer"
    assert "Our answer:\nYes." in email.text_body


def test_a_question_without_email_gets_its_answer_published_without_an_email(mug, moderator):
    question = QuestionFactory(product=mug, email="", status=ProductQuestion.Status.PUBLISHED)
    answer = AnswerFactory(question=question)

    services.answers_publish(answer_ids=[answer.pk], user=moderator)

    assert OutboxEmail.objects.count() == 0
    assert [a.pk for a in selectors.questions_for_product(product_id=mug.pk)[0].published_answers] == [answer.pk]


def test_publishing_a_question_or_answer_refreshes_the_product_page_only(
    mug, moderator, django_capture_on_commit_callbacks
):
    question = QuestionFactory(product=mug)
    before = _versions(mug)

    with django_capture_on_commit_callbacks(execute=True):
        services.questions_publish(question_ids=[question.pk], user=moderator)

    after = _versions(mug)
    assert after[page_cache.product_key(mug.pk)] == before[page_cache.product_key(mug.pk)] + 1
    assert after[page_cache.STOCK_ALL] == before[page_cache.STOCK_ALL]


def test_only_published_questions_and_answers_are_shown(mug, moderator):
    shown = QuestionFactory(product=mug, status=ProductQuestion.Status.PUBLISHED)
    QuestionFactory(product=mug, status=ProductQuestion.Status.PENDING)
    QuestionFactory(product=mug, status=ProductQuestion.Status.REJECTED)
    published = AnswerFactory(question=shown, status=ProductAnswer.Status.PUBLISHED)
    AnswerFactory(question=shown, status=ProductAnswer.Status.PENDING)
    rejected = AnswerFactory(question=shown, status=ProductAnswer.Status.PUBLISHED)
    services.answers_reject(answer_ids=[rejected.pk], user=moderator)

    [question] = selectors.questions_for_product(product_id=mug.pk)

    assert question.pk == shown.pk
    assert [a.pk for a in question.published_answers] == [published.pk]
