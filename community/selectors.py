"""Reads for the community pages: who may review, and what a product page shows (approved reviews, published
questions with their published answers), each in a fixed number of queries."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DecimalField, Exists, OuterRef, Prefetch, QuerySet

from orders.models import Order, OrderLine

from .models import ProductAnswer, ProductQuestion, Review

# Orders whose buyer has paid for (or received) the product: their buyers are "verified buyers".
BOUGHT_STATUSES = (Order.Status.PAID, Order.Status.PREPARING, Order.Status.SHIPPED, Order.Status.DELIVERED)
TENTH = Decimal("0.1")


def review_verified_buyer(*, user, product_id: int) -> bool:
    """True when the account has a paid, prepared, shipped or delivered order with this product (any SKU)."""
    if user is None or not user.is_authenticated:
        return False
    return OrderLine.objects.filter(
        order__user=user, order__status__in=BOUGHT_STATUSES, variant__product_id=product_id
    ).exists()


def review_of(*, user, product_id: int) -> Review | None:
    if user is None or not user.is_authenticated:
        return None
    return Review.objects.filter(author=user, product_id=product_id).first()


def rating_round(value) -> Decimal | None:
    """An average rating to one decimal (4.45 -> 4.5), or None when there are no reviews."""
    if value is None:
        return None
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class RatingSummary:
    average: Decimal | None
    count: int


def rating_summary(*, product_id: int) -> RatingSummary:
    row = Review.objects.filter(product_id=product_id, status=Review.Status.APPROVED).aggregate(
        average=Avg("rating", output_field=DecimalField()), count=Count("pk"))
    return RatingSummary(average=rating_round(row["average"]), count=row["count"])


def rating_sql(product_column: str) -> tuple[str, str]:
    """The rating of a product for list pages, as two correlated SQL subqueries on `product_column` (a product id
    column of the outer query): the sum and the count of its approved ratings (an exact average: rating_from_sum).
    """
    table, approved = Review._meta.db_table, Review.Status.APPROVED.value
    where = f"FROM {table} r WHERE r.product_id = {product_column} AND r.status = '{approved}'"
    return f"(SELECT COALESCE(SUM(r.rating), 0) {where})", f"(SELECT COUNT(*) {where})"


def published_questions_sql(product_column: str) -> str:
    """How many published questions the product has, as a correlated SQL subquery on `product_column`."""
    table, published = ProductQuestion._meta.db_table, ProductQuestion.Status.PUBLISHED.value
    return f"(SELECT COUNT(*) FROM {table} q WHERE q.product_id = {product_column} AND q.status = '{published}')"


def rating_from_sum(total: int, count: int) -> RatingSummary:
    return RatingSummary(average=rating_round(Decimal(total) / count) if count else None, count=count)


def reviews_for_product(*, product_id: int, limit: int = 50) -> list[Review]:
    """Approved reviews, newest first, with their authors (one query)."""
    return list(
        Review.objects.filter(product_id=product_id, status=Review.Status.APPROVED)
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )


def questions_for_product(*, product_id: int, limit: int = 50) -> list[ProductQuestion]:
    """Published questions, newest first, each with its published answers as .published_answers (two queries)."""
    answers = ProductAnswer.objects.filter(status=ProductAnswer.Status.PUBLISHED).select_related("author").order_by(
        "-is_staff_answer", "created_at", "pk")
    return list(
        ProductQuestion.objects.filter(product_id=product_id, status=ProductQuestion.Status.PUBLISHED)
        .select_related("author")
        .prefetch_related(Prefetch("answers", queryset=answers, to_attr="published_answers"))
        .order_by("-created_at", "-pk")[:limit]
    )


def questions_unanswered() -> QuerySet[ProductQuestion]:
    """Product questions still waiting for an answer: not rejected and without a published answer (one waiting for
    moderation counts: the shop's answer in the admin publishes both). The admin's "answered: no" filter and the
    admin home's count read it."""
    published = ProductAnswer.objects.filter(question=OuterRef("pk"), status=ProductAnswer.Status.PUBLISHED)
    return ProductQuestion.objects.exclude(status=ProductQuestion.Status.REJECTED).filter(~Exists(published))
