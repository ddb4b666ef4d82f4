from django.urls import path

import catalog.converters  # noqa: F401 — registers the slug_pk converter used below

from . import views

app_name = "community"
urlpatterns = [
    path("products/<slug_pk:key>/review/", views.review_write, name="review_write"),
    path("products/<slug_pk:key>/ask/", views.question_ask, name="question_ask"),
    path("products/<slug_pk:key>/questions/<int:pk>/answer/", views.answer_write, name="answer_write"),
]
