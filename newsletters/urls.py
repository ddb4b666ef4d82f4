from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("newsletter/", views.signup, name="signup"),
    path("newsletter/sent/", views.signup_sent, name="signup_sent"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
