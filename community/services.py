"""Every write of the community app: reviews, product questions and answers, and their moderation.

A moderation step that changes what a page shows (a review approved or taken down, a question or answer
published) bumps the page-cache versions of those pages after the commit: the product page, and for reviews the
category pages that list the product (with their ancestors) and the home page, whose cards show the average.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog import page_cache
from catalog.models import Product

from .models import ProductAnswer, ProductQuestion, Review
from .selectors import review_verified_buyer

logger = logging.getLogger(__name__)


class ReviewNotAllowed(Exception):
    """Only verified buyers may review a product."""


def _pages_refresh(*, product_ids, with_lists: bool) -> None:
    """After commit: the product pages, and (with_lists) the home page and every category page listing them."""
    from catalog.selectors import category_tree

    names = [page_cache.product_key(pk) for pk in product_ids]
    if with_lists:
        tree = category_tree()
        category_ids = Product.objects.filter(pk__in=list(product_ids)).values_list("category_id", flat=True)
        listing = {node.id for cid in category_ids for node in tree.ancestors(cid)} | set(category_ids)
        names += [page_cache.STOCK_ALL, *(page_cache.category_key(pk) for pk in listing)]
    try:
        page_cache.versions_bump(names)
    except Exception:  # a cache outage must not fail a moderation step that is already committed
        logger.exception("Could not bump page cache versions after moderation")


def _after_commit_refresh(product_ids, *, with_lists: bool) -> None:
    if product_ids:
        transaction.on_commit(partial(_pages_refresh, product_ids=sorted(set(product_ids)), with_lists=with_lists))


# Reviews


def review_submit(*, product: Product, user, rating: int, title: str, body: str, language: str) -> Review:
    """Write (or rewrite) the user's review of the product; it waits for moderation. Raises ReviewNotAllowed
    unless the user is a verified buyer. A rewritten review that was shown is taken down until approved again."""
    if not review_verified_buyer(user=user, product_id=product.pk):
        raise ReviewNotAllowed
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(product=product, author=user).first()
        if review is None:
            review = Review(product=product, author=user)
        was_shown = review.status == Review.Status.APPROVED
        review.rating, review.title, review.body, review.language = rating, title, body, language
        review.status, review.verified_buyer = Review.Status.PENDING, True
        review.moderated_by = review.moderated_at = None
        review.save()
        if was_shown:
            _after_commit_refresh([product.pk], with_lists=True)
    return review


def _reviews_set_status(*, review_ids, status: str, user) -> int:
    with transaction.atomic():
        rows = list(Review.objects.select_for_update().filter(pk__in=list(review_ids)).exclude(status=status)
                    .order_by("pk"))
        Review.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=status, moderated_by=user, moderated_at=timezone.now(), updated_at=timezone.now())
        # Approving changes the pages; rejecting a pending review does not, rejecting an approved one does.
        shown_changes = [r.product_id for r in rows if Review.Status.APPROVED in (r.status, status)]
        _after_commit_refresh(shown_changes, with_lists=True)
    return len(rows)


def reviews_approve(*, review_ids, user) -> int:
    """Show these reviews; returns how many changed."""
    return _reviews_set_status(review_ids=review_ids, status=Review.Status.APPROVED, user=user)


def reviews_reject(*, review_ids, user) -> int:
    """Hide these reviews (or keep them hidden); returns how many changed."""
    return _reviews_set_status(review_ids=review_ids, status=Review.Status.REJECTED, user=user)


# Questions and answers


def _record_in_crm(*, question: ProductQuestion, product: Product) -> None:
    """The question joins the history of the asker's customer contact, when the shop already has one."""
    from crm.models import Contact, Interaction

    contacts = Contact.objects.filter(kind=Contact.Kind.CUSTOMER)
    contact = None
    if question.author_id:
        contact = contacts.filter(user_id=question.author_id).first()
    if contact is None and question.email:
        contact = contacts.filter(email=question.email.strip().lower()).first()
    if contact is not None:
        Interaction.objects.create(
            contact=contact, kind=Interaction.Kind.QUESTION,
            subject=(_("Product question: %(name)s") % {"name": product.name})[:200],
            body=question.text, occurred_at=question.created_at, is_open=False, created_by=question.author,
        )


def question_ask(*, product: Product, text: str, language: str, user=None, name: str = "",
                 email: str = "") -> ProductQuestion:
    """A visitor's question about a product, waiting for moderation. A signed-in asker is named and emailed
    through the account."""
    if user is not None and user.is_authenticated:
        name, email = "", user.email
    else:
        user = None
    with transaction.atomic():
        question = ProductQuestion.objects.create(product=product, author=user, name=name, email=email,
                                                  text=text, language=language)
        _record_in_crm(question=question, product=product)
    return question


def _questions_set_status(*, question_ids, status: str, user) -> int:
    with transaction.atomic():
        rows = list(ProductQuestion.objects.select_for_update().filter(pk__in=list(question_ids))
                    .exclude(status=status).order_by("pk"))
        ProductQuestion.objects.filter(pk__in=[q.pk for q in rows]).update(
            status=status, moderated_by=user, moderated_at=timezone.now())
        _after_commit_refresh([q.product_id for q in rows if ProductQuestion.Status.PUBLISHED in (q.status, status)],
                              with_lists=False)
    return len(rows)


def questions_publish(*, question_ids, user) -> int:
    return _questions_set_status(question_ids=question_ids, status=ProductQuestion.Status.PUBLISHED, user=user)


def questions_reject(*, question_ids, user) -> int:
    return _questions_set_status(question_ids=question_ids, status=ProductQuestion.Status.REJECTED, user=user)


def _answer_notify(*, answer: ProductAnswer, question: ProductQuestion) -> None:
    """Inside the publishing transaction: tell the asker (if they left an email) that their question has an
    answer, in the language they asked in."""
    if not question.email:
        return
    from outbox.services import email_queue_rendered

    product = question.product
    with translation.override(question.language):  # the product's name and address in the asker's language
        product_name = product.name
        product_url = settings.SHOP_BASE_URL.rstrip("/") + product.get_absolute_url()
    email_queue_rendered(
        to=question.email, template="emails/community/answer_published",
        context={"product_name": product_name, "product_url": product_url, "question": question.text,
                 "answer": answer.text, "is_staff_answer": answer.is_staff_answer, "language": question.language},
        language=question.language, reference=f"product-answer-{answer.pk}",
    )


def _answers_publish_locked(*, answers, user) -> None:
    """Publish these answers (rows already locked); a staff answer to a question still waiting publishes it too."""
    now = timezone.now()
    for answer in answers:
        answer.status, answer.moderated_by, answer.moderated_at = ProductAnswer.Status.PUBLISHED, user, now
        answer.save(update_fields=["status", "moderated_by", "moderated_at"])
        question = answer.question
        if answer.is_staff_answer and question.status == ProductQuestion.Status.PENDING:
            question.status, question.moderated_by, question.moderated_at = (
                ProductQuestion.Status.PUBLISHED, user, now)
            question.save(update_fields=["status", "moderated_by", "moderated_at"])
        _answer_notify(answer=answer, question=question)
    _after_commit_refresh([a.question.product_id for a in answers], with_lists=False)


def answer_post(*, question: ProductQuestion, user, text: str, language: str) -> ProductAnswer:
    """An answer to a question. A moderator's answer (community.change_productanswer) is the shop's answer and is
    published at once; anyone else's, staff or customer, waits for moderation."""
    from_shop = user.has_perm("community.change_productanswer")
    with transaction.atomic():
        answer = ProductAnswer.objects.create(question=question, author=user, text=text, language=language,
                                              is_staff_answer=from_shop)
        if from_shop:
            answer = ProductAnswer.objects.select_for_update().select_related("question__product").get(pk=answer.pk)
            _answers_publish_locked(answers=[answer], user=user)
    return answer


def answers_publish(*, answer_ids, user) -> int:
    with transaction.atomic():
        answers = list(ProductAnswer.objects.select_for_update(of=("self",)).filter(pk__in=list(answer_ids))
                       .exclude(status=ProductAnswer.Status.PUBLISHED)
                       .select_related("question__product").order_by("pk"))
        _answers_publish_locked(answers=answers, user=user)
    return len(answers)


def answers_reject(*, answer_ids, user) -> int:
    with transaction.atomic():
        rows = list(ProductAnswer.objects.select_for_update(of=("self",)).filter(pk__in=list(answer_ids))
                    .exclude(status=ProductAnswer.Status.REJECTED).select_related("question").order_by("pk"))
        ProductAnswer.objects.filter(pk__in=[a.pk for a in rows]).update(
            status=ProductAnswer.Status.REJECTED, moderated_by=user, moderated_at=timezone.now())
        _after_commit_refresh([a.question.product_id for a in rows if a.status == ProductAnswer.Status.PUBLISHED],
                              with_lists=False)
    return len(rows)
