"""The review, question and answer pages; what the (cached) product and category pages show; moderation in the
admin."""

import pytest
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from community import services
from community.models import ProductAnswer, ProductQuestion, Review
from inventory import services as stock_services
from outbox.models import OutboxEmail

from .factories import AnswerFactory, QuestionFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def review_url(product):
    return reverse("community:review_write", kwargs={"key": (product.slug, product.pk)})


def ask_url(product):
    return reverse("community:question_ask", kwargs={"key": (product.slug, product.pk)})


def answer_url(question):
    product = question.product
    return reverse("community:answer_write", kwargs={"key": (product.slug, product.pk), "pk": question.pk})


def approve(*reviews, user):
    services.reviews_approve(review_ids=[r.pk for r in reviews], user=user)


# Writing a review


def test_an_anonymous_visitor_is_sent_to_sign_in_before_writing_a_review(client, mug):
    response = client.get(review_url(mug))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={review_url(mug)}"


def test_a_customer_who_has_not_bought_the_product_is_told_why_they_cannot_review_it(client, ana, mug):
    client.force_login(ana)

    html = client.get(review_url(mug)).content.decode()

    assert "Our reviews come from verified buyers only: you can review Stoneware Mug once you have bought it" in html
    assert "Send my review" not in html


def test_a_review_posted_by_a_non_buyer_is_refused_with_a_message(client, ana, mug):
    client.force_login(ana)

    response = client.post(review_url(mug), {"rating": "5", "title": "Great", "body": "Love it"})

    assert response.status_code == 403
    assert "Only customers who bought this product can review it." in response.content.decode()
    assert Review.objects.count() == 0


@pytest.mark.parametrize("rating", ["0", "6", "x", "", "4.5", "-1"])
def test_a_rating_outside_1_to_5_is_shown_back_as_a_form_error(client, buyer, mug, rating):
    client.force_login(buyer)

    response = client.post(review_url(mug), {"rating": rating, "title": "Hm", "body": "Hm"})

    assert response.status_code == 200
    assert "Choose a rating from 1 to 5 stars." in response.content.decode()
    assert Review.objects.count() == 0


def test_a_review_without_title_or_text_is_shown_back_with_both_errors(client, buyer, mug):
    client.force_login(buyer)

    response = client.post(review_url(mug), {"rating": "3"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["title", "body"]


def test_a_buyers_review_is_thanked_and_waits_for_moderation(client, buyer, mug):
    client.force_login(buyer)

    response = client.post(review_url(mug), {"rating": "4", "title": "Lovely", "body": "Keeps coffee hot."},
                           follow=True)

    assert response.redirect_chain == [(mug.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "Thank you for your review. It will appear on the product page once our staff have read it." in html
    assert "Keeps coffee hot." not in html
    assert list(Review.objects.values_list("rating", "title", "status", "language")) == [
        (4, "Lovely", "pending", "en")]


def test_a_second_visit_shows_the_customers_review_to_edit(client, buyer, mug):
    ReviewFactory(product=mug, author=buyer, rating=2, title="Meh")
    client.force_login(buyer)

    response = client.get(review_url(mug))

    assert response.context["form"].initial == {"rating": 2, "title": "Meh", "body": "Does what it says."}
    assert "Save my review" in response.content.decode()


def test_the_review_page_of_an_unknown_product_is_404(client, ana):
    client.force_login(ana)

    assert client.get(reverse("community:review_write", kwargs={"key": ("nothing", 999999)})).status_code == 404


# The product page


def test_an_approved_review_appears_on_the_cached_product_page_with_the_average(
    client, mug, moderator, django_capture_on_commit_callbacks
):
    five = ReviewFactory(product=mug, rating=5, title="Five", author__first_name="Zoé", author__last_name="Roy")
    ReviewFactory(product=mug, rating=3, title="Three")
    html = client.get(mug.get_absolute_url()).content.decode()  # now cached
    assert "No reviews yet." in html

    with django_capture_on_commit_callbacks(execute=True):  # the page versions are bumped after the commit
        approve(five, user=moderator)
    html = client.get(mug.get_absolute_url()).content.decode()

    assert "5.0 out of 5 — 1 review" in html
    assert "Five" in html and "By Zoé R. on" in html and "Verified buyer" in html
    assert "Three" not in html


def test_the_product_page_lists_reviews_newest_first(client, mug, moderator):
    old = ReviewFactory(product=mug, rating=5, title="Older one")
    new = ReviewFactory(product=mug, rating=4, title="Newer one")
    approve(old, new, user=moderator)

    html = client.get(mug.get_absolute_url()).content.decode()

    assert "4.5 out of 5 — 2 reviews" in html
    assert html.index("Newer one") < html.index("Older one")


def test_markup_in_reviews_questions_and_answers_is_shown_as_text(client, mug, moderator):
    review = ReviewFactory(product=mug, title="<b>bold</b>", body="<script>alert(1)</script>")
    approve(review, user=moderator)
    question = QuestionFactory(product=mug, text="<img src=x onerror=alert(2)>",
                               status=ProductQuestion.Status.PUBLISHED)
    AnswerFactory(question=question, text="<a href='javascript:x'>y</a>", status=ProductAnswer.Status.PUBLISHED)

    html = client.get(mug.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<a href='javascript" not in html


def test_published_questions_show_with_the_shops_answer_marked(client, mug, moderator):
    question = QuestionFactory(product=mug, text="Is it dishwasher safe?")
    services.answer_post(question=question, user=moderator, text="Yes, top rack.", language="en")

    html = client.get(mug.get_absolute_url()).content.decode()

    assert "Is it dishwasher safe?" in html
    assert "Answer from the shop" in html and "Yes, top rack." in html
    assert f'href="{answer_url(question)}"' in html
    assert f'href="{review_url(mug)}"' in html and f'href="{ask_url(mug)}"' in html


# List pages


def test_the_category_page_shows_each_cards_rating_without_a_query_per_product(
    client, mug, kitchen, warehouse, moderator, django_assert_num_queries
):
    for n in range(3):
        product = VariantFactory(product__name=f"Item {n}", product__category=kitchen).product
        stock_services.stock_receive(variant=product.variants.first(), location=warehouse, quantity=1)
        approve(*[ReviewFactory(product=product, rating=r) for r in (n + 1, 5)], user=moderator)
    approve(ReviewFactory(product=mug, rating=3), user=moderator)
    ReviewFactory(product=mug, rating=1)  # pending: not counted
    from catalog.selectors import category_tree

    category_tree()

    with django_assert_num_queries(4):  # count, products, each card's figures with its rating, pictures
        html = client.get(kitchen.get_absolute_url()).content.decode()

    assert "3.0 out of 5 — 2 reviews" in html  # Item 0: 1 and 5
    assert "3.5 out of 5 — 2 reviews" in html  # Item 1: 2 and 5
    assert "4.0 out of 5 — 2 reviews" in html  # Item 2: 3 and 5
    assert "3.0 out of 5 — 1 review" in html  # the mug
    assert html.count("out of 5 —") == 4


def test_a_card_without_approved_reviews_shows_no_rating(client, mug, kitchen):
    ReviewFactory(product=mug, rating=5)  # pending

    assert "out of 5" not in client.get(kitchen.get_absolute_url()).content.decode()


def test_the_home_page_cards_show_the_rating(client, mug, moderator):
    mug.is_featured = True
    mug.save()
    approve(ReviewFactory(product=mug, rating=4), user=moderator)

    assert "4.0 out of 5 — 1 review" in client.get("/").content.decode()


# Questions and answers


def test_a_visitor_asks_with_a_name_and_email(client, mug):
    response = client.post(ask_url(mug), {"text": "Microwave safe?", "name": "Luc", "email": "luc@example.com"},
                           follow=True)

    assert response.redirect_chain == [(mug.get_absolute_url(), 302)]
    assert "Thank you: your question will appear on the product page once our staff have read it." in (
        response.content.decode())
    assert list(ProductQuestion.objects.values_list("text", "name", "email", "status")) == [
        ("Microwave safe?", "Luc", "luc@example.com", "pending")]


def test_a_visitors_question_without_email_is_shown_back_with_errors(client, mug):
    response = client.post(ask_url(mug), {"text": "Microwave safe?", "name": "Luc", "email": "not-an-email"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert ProductQuestion.objects.count() == 0


def test_a_signed_in_customer_asks_without_giving_name_or_email(client, ana, mug):
    client.force_login(ana)

    form = client.get(ask_url(mug)).context["form"]
    assert "email" not in form.fields and "name" not in form.fields  # the footer's newsletter sign-up aside
    client.post(ask_url(mug), {"text": "Size?"})

    assert list(ProductQuestion.objects.values_list("author", "email")) == [(ana.pk, "ana@example.com")]


def test_a_customer_answers_a_published_question_and_the_answer_waits(client, ana, mug):
    question = QuestionFactory(product=mug, status=ProductQuestion.Status.PUBLISHED)
    client.force_login(ana)

    response = client.post(answer_url(question), {"text": "It is."}, follow=True)

    assert "Thank you for helping. Your answer will appear once our staff have read it." in response.content.decode()
    assert list(question.answers.values_list("text", "status", "is_staff_answer")) == [("It is.", "pending", False)]


def test_answering_needs_an_account_and_a_published_question(client, ana, mug):
    pending = QuestionFactory(product=mug)
    published = QuestionFactory(product=mug, status=ProductQuestion.Status.PUBLISHED)

    assert client.get(answer_url(published)).status_code == 302
    client.force_login(ana)
    assert client.get(answer_url(pending)).status_code == 404
    assert client.post(answer_url(published), {"text": ""}).status_code == 200
    assert ProductAnswer.objects.count() == 0


# Moderation in the admin


def test_staff_approve_and_reject_reviews_from_the_list(client, mug, moderator):
    one, two = ReviewFactory(product=mug, rating=5), ReviewFactory(product=mug, rating=1)
    client.force_login(moderator)
    changelist = reverse("admin:community_review_changelist")

    response = client.post(changelist, {"action": "reviews_approve", "_selected_action": [one.pk, two.pk]},
                           follow=True)
    assert "2 reviews approved." in response.content.decode()
    client.post(changelist, {"action": "reviews_reject", "_selected_action": [two.pk]})

    assert dict(Review.objects.values_list("pk", "status")) == {one.pk: "approved", two.pk: "rejected"}
    assert "5.0 out of 5 — 1 review" in client.get(mug.get_absolute_url()).content.decode()
    assert client.get(changelist + "?status__exact=pending").context["cl"].result_count == 0


def test_staff_publish_questions_and_answers_from_their_lists(client, mug, moderator):
    question = QuestionFactory(product=mug)
    answer = AnswerFactory(question=question)
    client.force_login(moderator)

    client.post(reverse("admin:community_productquestion_changelist"),
                {"action": "questions_publish", "_selected_action": [question.pk]})
    client.post(reverse("admin:community_productanswer_changelist"),
                {"action": "answers_publish", "_selected_action": [answer.pk]})

    question.refresh_from_db()
    answer.refresh_from_db()
    assert (question.status, answer.status) == ("published", "published")
    assert OutboxEmail.objects.get().to == "luc@example.com"


def _inline_post_data(response, **fields):
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial) or 0
        for form in inline.formset.forms:
            if form.instance.pk:
                data[f"{form.prefix}-id"] = form.instance.pk
                data[f"{form.prefix}-question"] = form.instance.question_id
    data.update(fields)
    return data


def test_staff_answer_a_question_in_the_admin_and_it_is_published_and_emailed(client, mug, moderator):
    question = QuestionFactory(product=mug)
    AnswerFactory(question=question, text="A customer's guess")
    client.force_login(moderator)
    change = reverse("admin:community_productquestion_change", args=[question.pk])
    page = client.get(change)
    new_prefix = page.context["inline_admin_formsets"][1].formset.prefix

    response = client.post(change, _inline_post_data(page, **{f"{new_prefix}-0-text": "Yes, top rack."}),
                           follow=True)

    assert response.status_code == 200
    assert "Your answer is published and the asker is told by email." in response.content.decode()
    question.refresh_from_db()
    assert question.status == "published"
    assert list(question.answers.values_list("text", "status", "is_staff_answer", "author")) == [
        ("A customer's guess", "pending", False, question.answers.first().author_id),
        ("Yes, top rack.", "published", True, moderator.pk),
    ]
    assert OutboxEmail.objects.get().to == "luc@example.com"


def test_saving_a_question_in_the_admin_without_an_answer_changes_nothing(client, mug, moderator):
    question = QuestionFactory(product=mug)
    client.force_login(moderator)
    change = reverse("admin:community_productquestion_change", args=[question.pk])

    client.post(change, _inline_post_data(client.get(change)))

    assert (ProductAnswer.objects.count(), OutboxEmail.objects.count()) == (0, 0)


def test_a_customer_cannot_open_the_moderation_lists(client, ana):
    client.force_login(ana)

    assert client.get(reverse("admin:community_review_changelist")).status_code == 302


def test_the_public_name_of_an_author_is_first_name_and_initial(mug):
    assert ReviewFactory(product=mug, author=UserFactory(first_name="Ana", last_name="Tremblay")).author_name == (
        "Ana T.")
    assert ReviewFactory(product=mug, author=UserFactory(first_name="", last_name="")).author_name == "A customer"
