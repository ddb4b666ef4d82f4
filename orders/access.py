"""Who may see or act on an order on the shop's pages: its customer (the account's owner, or whoever holds the link
emailed with it), or a staff member holding the Django permission for what the page does. Being staff (is_staff)
gives nothing here: a store clerk is staff and may not read customers' orders."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from .models import Order

VIEW_ORDER = "orders.view_order"
CHANGE_ORDER = "orders.change_order"  # cancel it or pay it from the shop's page on the customer's behalf


def order_is_customers(request, order: Order) -> bool:
    """The visitor is the order's customer: the owner of its account, or the holder of its emailed link."""
    user = request.user
    if user.is_authenticated and order.user_id == user.pk:
        return True
    token = request.GET.get("t") or request.POST.get("t") or ""
    return bool(token) and constant_time_compare(token, order.access_token)


def order_may(request, order: Order, permission: str) -> bool:
    """The order's customer may do anything its pages offer; staff only what their permission names."""
    return order_is_customers(request, order) or request.user.has_perm(permission)


def order_for_request(request, number: str, *, permission: str = VIEW_ORDER) -> Order:
    """The order, if this visitor may do what `permission` names with it (see order_may). Whoever may not even see
    it gets 404, the same answer whether the order exists or not; staff who may see it but not do this get 403."""
    order = Order.objects.select_related("delivery_method").filter(number=number).first()
    if order is None:
        raise Http404
    if order_may(request, order, permission):
        return order
    if permission != VIEW_ORDER and request.user.has_perm(VIEW_ORDER):
        raise PermissionDenied
    raise Http404


def order_page_url(request, order: Order) -> str:
    """Where to send the visitor back to: the emailed link for the customer, the plain page for staff (who have no
    business carrying the customer's link around)."""
    if order_is_customers(request, order):
        return order.get_absolute_url()
    return reverse("orders:order_detail", kwargs={"number": order.number})
