from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    path("quotes/request/<int:product_id>/", views.request_form, name="request"),
    path("quotes/request/<int:product_id>/sent/", views.request_sent, name="request_sent"),
    path("quotes/q/<str:token>/", views.quote_detail, name="quote_detail"),
    path("quotes/q/<str:token>/decline/", views.quote_decline_view, name="quote_decline"),
    path("quotes/q/<str:token>/attachment/", views.attachment_signed, name="attachment_signed"),
    path("quotes/<int:pk>/attachment/", views.attachment, name="attachment"),
]
