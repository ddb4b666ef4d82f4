from django.urls import path

from . import views

app_name = "help"
urlpatterns = [
    path("help/", views.faq, name="faq"),
    path("help/ask/", views.ask, name="ask"),
    path("help/ask/thanks/", views.ask_thanks, name="ask_thanks"),
    path("contact/", views.contact, name="contact"),
]
