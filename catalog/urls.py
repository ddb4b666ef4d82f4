from django.urls import path, re_path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^category/(?P<slug>[-\w]+)-(?P<pk>\d+)/$", views.category_detail, name="category_detail"),
    re_path(r"^products/(?P<slug>[-\w]+)-(?P<pk>\d+)/$", views.product_detail, name="product_detail"),
    path("site-map/", views.site_map, name="site_map"),
]
