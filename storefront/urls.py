"""The shopper's pages keep the names they had when they were the catalog app's (catalog:home,
catalog:product_detail ...), so links, templates and bookmarks stay valid."""

from django.urls import path

import catalog.converters  # noqa: F401 — registers the slug_pk converter used below

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("category/<slug_pk:key>/", views.category_detail, name="category_detail"),
    path("products/<slug_pk:key>/", views.product_detail, name="product_detail"),
    path("site-map/", views.site_map, name="site_map"),
    path("search/", views.search, name="search"),
]
