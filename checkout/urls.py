"""The purchase's addresses. They keep the names they had before checkout was its own app, so links in emails,
bookmarks and templates stay valid: the cart, checkout and order pages in the "orders" namespace, and "Pay now"
(payments:order_pay) in the payments namespace, which shop/urls.py mounts with the payments app's own."""

from django.urls import path

from . import quote_views, views

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart_detail"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("cart/code/", views.cart_coupon_apply, name="cart_coupon_apply"),
    path("cart/code/remove/", views.cart_coupon_remove_view, name="cart_coupon_remove"),
    path("checkout/quote/<str:token>/accept/", quote_views.quote_accept, name="quote_accept"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review/", views.checkout_review, name="checkout_review"),
    path("checkout/place/", views.checkout_place, name="checkout_place"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
]

payments_urlpatterns = [
    path("orders/<str:number>/pay/", views.order_pay, name="order_pay"),
]
