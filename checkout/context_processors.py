from django.utils.functional import SimpleLazyObject

from .services.cart import cart_summary_cached


def _cart_id(request) -> int | None:
    """A guest's cart, as their session points at it."""
    session = getattr(request, "session", None)
    return session.get("cart_id") if session is not None and session.session_key else None


def _summary(request) -> dict:
    if request.user.is_authenticated:  # the customer's saved cart, cached until it or a price changes
        count, total = cart_summary_cached(request.user)
    else:
        count, total = cart_summary_cached(cart_id=_cart_id(request))
    return {"count": count, "total": total}


def cart(request):
    """Item count and total for the header, read only when a page shows them."""
    summary = SimpleLazyObject(lambda: _summary(request))
    return {"cart_summary": summary}
