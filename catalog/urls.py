from django.urls import path, register_converter

from . import views


class SlugPkConverter:
    """'stoneware-mug-42' -> ('stoneware-mug', 42): readable addresses that still find the row by its key."""

    regex = r"[-\w]+-\d+"

    def to_python(self, value):
        slug, _, pk = value.rpartition("-")
        return slug, int(pk)

    def to_url(self, value):
        slug, pk = value
        return f"{slug}-{pk}"


register_converter(SlugPkConverter, "slug_pk")

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("category/<slug_pk:key>/", views.category_detail, name="category_detail"),
    path("products/<slug_pk:key>/", views.product_detail, name="product_detail"),
    path("site-map/", views.site_map, name="site_map"),
    path("search/", views.search, name="search"),
]
