from django.utils.functional import SimpleLazyObject

from .services.cart import cart_summary


def _cart_id(request) -> int | None:
    if request.user.is_authenticated:
        from .models import Cart

        return Cart.objects.filter(user=request.user).values_list("pk", flat=True).first()
    session = getattr(request, "session", None)
    return session.get("cart_id") if session is not None and session.session_key else None


def cart(request):
    """Item count and total for the header, read only when a page shows them."""
    summary = SimpleLazyObject(lambda: dict(zip(("count", "total"), cart_summary(_cart_id(request)), strict=True)))
    return {"cart_summary": summary}
