"""The customer's emails about a return, written to the outbox in the caller's transaction."""

from django.conf import settings

from outbox.services import email_queue_rendered

from ..models import ReturnRequest


def return_email_queue(*, request: ReturnRequest, event: str, **context) -> None:
    """emails/returns/<event>: requested, approved, refused, received or refunded, in the order's language."""
    order = request.order
    email_queue_rendered(
        to=order.email, template=f"emails/returns/{event}", language=order.language, reference=order.number,
        context={"order": order, "return_request": request,
                 "lines": list(request.lines.select_related("order_line")),
                 "order_url": settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url(), **context},
    )
