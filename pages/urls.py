from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("stores/", views.stores, name="stores"),
    path("about/", views.about, name="about"),
    path("about/<slug:slug>/", views.page_detail, name="page_detail"),
    path("news/", views.news_list, name="news_list"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("shipping/policy/", views.shipping_policy, name="shipping_policy"),
]
