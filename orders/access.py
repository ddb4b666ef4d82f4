"""Who may see an order: its account's owner, staff, or whoever holds the link emailed with it."""

from django.http import Http404
from django.utils.crypto import constant_time_compare

from .models import Order


def order_for_request(request, number: str) -> Order:
    """The order, if this visitor may see it: its account's owner, staff, or the holder of the emailed link."""
    order = Order.objects.select_related("delivery_method").filter(number=number).first()
    if order is None:
        raise Http404
    if request.user.is_authenticated and (order.user_id == request.user.pk or request.user.is_staff):
        return order
    token = request.GET.get("t") or request.POST.get("t") or ""
    if token and constant_time_compare(token, order.access_token):
        return order
    raise Http404  # the same answer whether the order exists or not
