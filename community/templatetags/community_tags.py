"""Links to the community pages, the star decoration, and what a product page shows of its reviews and
questions (read through community.selectors while the cached product fragment is built)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse

from community import selectors

register = template.Library()


@register.simple_tag
def community_url(name, product, question=None):
    """{% community_url "review_write" product %}: the address of a community page for a product (a model or a
    card: anything with slug and pk/id)."""
    kwargs = {"key": (product.slug, getattr(product, "pk", None) or product.id)}
    if question is not None:
        kwargs["pk"] = question.pk
    return reverse(f"community:{name}", kwargs=kwargs)


@register.filter
def stars(rating):
    """★★★★☆ for 4 (or 3.6); decoration only: show it aria-hidden next to the rating in words."""
    if rating is None:
        return ""
    full = int(Decimal(rating).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    full = max(0, min(5, full))
    return "★" * full + "☆" * (5 - full)


@register.simple_tag
def product_community(product):
    """Approved reviews and published questions (with their published answers) of a product page."""
    # The product page's product knows how many there are (storefront.selectors.product_for_page): none, no query.
    return {
        "reviews": selectors.reviews_for_product(product_id=product.pk)
        if getattr(product, "rating_count", None) != 0 else [],
        "questions": selectors.questions_for_product(product_id=product.pk)
        if getattr(product, "question_count", None) != 0 else [],
    }
