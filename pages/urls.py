from django.urls import path
from django.views.generic import TemplateView

app_name = "pages"
urlpatterns = [
    path("stores/", TemplateView.as_view(template_name="base.html"), name="stores"),
    path("about/", TemplateView.as_view(template_name="base.html"), name="about"),
    path("shipping/policy/", TemplateView.as_view(template_name="base.html"), name="shipping_policy"),
]
