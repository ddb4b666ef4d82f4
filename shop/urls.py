from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView
from django.views.static import serve

from checkout import urls as checkout_urls
from payments import urls as payment_urls
from payments import views as payment_views
from staff.forms import AdminLoginForm
from storefront.sitemaps import SITEMAPS
from storefront.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),  # the back office's REST API (its docs: /api/v1/docs/)
    path("payments/stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("", include("monitoring.urls")),  # /metrics, for Prometheus (token or allowed network only)
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
         name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    # Pages name their icon (base.html); browsers and crawlers that ask for /favicon.ico anyway are sent to it.
    path("favicon.ico", cache_control(max_age=86400)(RedirectView.as_view(url=lazy(static, str)("favicon.ico"))),
         name="favicon"),
    path("robots.txt", cache_control(max_age=86400)(robots_txt), name="robots_txt"),
]
urlpatterns += i18n_patterns(
    path("", include("storefront.urls")),
    path("", include("checkout.urls")),
    path("", include((checkout_urls.payments_urlpatterns + payment_urls.urlpatterns, "payments"))),
    path("", include("shipping.urls")),
    path("", include("returns.urls")),
    path("", include("crm.urls")),
    path("", include("newsletters.urls")),
    path("", include("accounts.urls")),
    path("", include("help.urls")),
    path("", include("community.urls")),
    path("", include("pages.urls")),
    path("", include("quotes.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)
if settings.SHOP_SERVE_MEDIA:
    # The embedded setup has no separate web server for uploaded pictures; production serves MEDIA_ROOT itself.
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

admin.site.site_header = admin.site.site_title = "comptoir"
# The admin's sign-in is throttled like the shop's (ACCOUNT_RATE_LIMITS["login_failed"]).
admin.site.login_form = AdminLoginForm
