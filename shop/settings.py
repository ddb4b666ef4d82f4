"""comptoir settings, read from the environment with safe defaults.

Defaults give a working shop on a laptop: SQLite file, Celery tasks run eagerly, emails to the console,
DEBUG off. With DEBUG off, SECRET_KEY must be set (`make run` writes a random one into the git-ignored .env).
Set DATABASE_URL=postgres://..., CELERY_BROKER_URL=redis://..., CACHE_URL=redis://... and the
same code runs on Postgres with a real worker and a cache shared by every process.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Order links, sessions and password resets are signed with SECRET_KEY: with DEBUG off the shop refuses to start
# without a key of its own. Only DEBUG=true (a developer's machine) falls back to the development key.
DEVELOPMENT_SECRET_KEY = "comptoir-insecure-dev-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY.strip() or SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("django-insecure-"):
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or is a development key, and DEBUG is off: anyone could forge order links and "
            "sessions. Set SECRET_KEY to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, in the environment or in .env "
            "(`make run` writes one into .env for you). On a development machine, DEBUG=true uses a development key."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY if not SECRET_KEY.strip() else SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Translated content fields (name_en / name_fr ...) for what staff write; must come before the admin.
    "modeltranslation",
    # Django's admin with the shop's site (staff.admin_site): the home's "Today" panel and sections grouped by job.
    "staff.admin_config.ShopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    # What every app shares: the seller's identity (legal name, address, GST/HST and QST numbers), core.identity.
    "core",
    "catalog",
    "inventory",
    "orders",
    "crm",
    "accounts",
    "outbox",
    "payments",
    "shipping",
    "returns",
    "help",
    "community",
    "pages",
    # The purchase (cart, checkout, the order's page) and what a shopper browses (home, category and product pages,
    # search): they compose the apps above, none of which imports them.
    # Bringing customers back (issue 17): newsletters, coupons and incentives, quotes for custom work, cross-sell.
    "newsletters",
    "coupons",
    "quotes",
    "recommendations",
    # Suppliers, reordering and purchase orders (issue 18).
    "purchasing",
    "checkout",
    "storefront",
    # The periodic jobs: the record of their runs, "Run now" in the admin, and the embedded runner (run_jobs).
    "jobs",
    # The site itself: requests, latency and errors per page (RequestMetricsMiddleware), task-queue health, /metrics.
    "monitoring",
    # The ready-made staff groups (created after every migrate) and the throttled admin sign-in.
    "staff",
    # The demo shop: `manage.py seed_demo`.
    "demo",
    # Managers' dashboards (/dashboards/): read-only, on top of every app.
    "dashboards",
    # The back office's REST API (issue 18): Django REST framework, the schema by drf-spectacular, CSV with
    # django-import-export in the admin.
    "rest_framework",
    "drf_spectacular",
    "import_export",
    "api",
]

MIDDLEWARE = [
    # First, so that its timing covers every middleware below; counts per page and minute, no query per request.
    "monitoring.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzips pages (not WhiteNoise's static files, above it) once every middleware below has written the body: the
    # visitor's CSRF token (CsrfPlaceholderMiddleware) is in the page before it is compressed.
    "core.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.CsrfPlaceholderMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 404 for a NUL byte or another control character in the URL, before any view looks it up in the database.
    "core.middleware.JunkUrlNotFoundMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "catalog.context_processors.navigation",
                "checkout.context_processors.cart",
                "crm.context_processors.customer",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run writes from two processes (the web server and the job runner): readers never block the writer (WAL),
    # a transaction takes the write lock when it begins (IMMEDIATE) instead of failing "database is locked" when it
    # upgrades from reading, and a writer waits up to 20 s for the other to commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The shop's queries are short (pages, orders) or reports over indexed rows. PostgreSQL's JIT spent 120-260 ms
    # compiling each customers-dashboard query at 100,000 orders before running it in less: off for this database.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rendered catalogue pages, keyed by versions that every stock movement bumps. Several
# processes (gunicorn workers) must share it: set CACHE_URL=redis://... there. Default: this process only.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://comptoir")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.PooledRedisCache"
    # Sessions read from the shared cache, written through to the database: a signed-in page or a guest with a
    # cart saves a query. Only with a cache every process shares: a per-process cache would serve stale sessions.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages, money, time
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content staff write (product names, FAQ, pages) has an English and a French field; French falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="America/Edmonton")
USE_TZ = True
SHOP_CURRENCY = "CAD"

# Static and media files
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files only the shop hands out, after checking who asks (a quote request's attachment): outside MEDIA_ROOT, with no
# URL of their own, so no web server can serve them by mistake.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
SHOP_SERVE_MEDIA = env.bool("SHOP_SERVE_MEDIA", default=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default; EMAIL_URL=smtp://user:pass@host:port (smtp+tls://...) for a real server,
# filemail:///path/to/folder to keep each message as a file.
_email = env.email_url("EMAIL_URL", default="consolemail://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Headers and the decoded text body, so links can be copied (Django's prints the raw quoted-printable MIME).
    _email["EMAIL_BACKEND"] = "outbox.console.EmailBackend"
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "file_path": _email.get("EMAIL_FILE_PATH"),
    # A silent mail server must not hold a worker past the outbox's claim lease (outbox/services.py).
    "timeout": env.int("EMAIL_TIMEOUT", default=30) if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else None,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            key: value
            for key, value in _email_options.items()
            if value not in (None, "")
            and (key == "file_path") == _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
        },
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="comptoir <shop@example.com>")

# Celery: no broker -> tasks run in-process, right away.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing happens after commit, inside the request: fail fast when the broker is down or hangs (the outbox
# sweep sends what could not be enqueued). Without socket_timeout a publish to a silent broker waits forever.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Periodic jobs: one schedule for every runner. With a broker, Celery beat sends them (`celery -A shop beat`); without
# one, `manage.py run_jobs` (started by make run) runs them in its own process. Either way each run goes through
# jobs.services.job_run, which records it for the admin's Periodic jobs page and never runs a job twice at once; the
# jobs are idempotent. SHOP_JOBS_INTERVAL_SECONDS (demos, tests) runs the interval jobs this often instead.
_every = env.float("SHOP_JOBS_INTERVAL_SECONDS", default=0)
SHOP_JOBS = {
    # Emails whose after-commit task never ran or failed; expires so sweeps do not pile up while workers are down.
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep", "schedule": _every or 60.0, "options": {"expires": 55}},
    # Unpaid card orders past SHOP_PAYMENT_EXPIRY_MINUTES give their stock back.
    "payments-expire": {"task": "payments.tasks.payments_expire_unpaid", "schedule": _every or 300.0,
                        "options": {"expires": 290}},
    # Card refunds whose after-commit task never ran (broker down) or failed.
    "refunds-send": {"task": "payments.tasks.refunds_send_pending", "schedule": _every or 600.0,
                     "options": {"expires": 590}},
    # Invoice reminders (due soon, overdue, final notice), once a day in the morning.
    "invoices-remind": {"task": "payments.tasks.invoices_remind", "schedule": crontab(hour=9, minute=0)},
    # Last month's statement to each business account with a balance, once per account and month.
    "statements-monthly": {"task": "payments.tasks.statements_send_monthly",
                           "schedule": crontab(day_of_month=1, hour=7, minute=0)},
    # Safety net after receipts: waiting backorders take arrived stock, then back-in-stock sign-ups are told.
    "backorders-fill": {"task": "shipping.tasks.backorders_fill_all", "schedule": _every or 600.0,
                        "options": {"expires": 590}},
    # Newsletters: start the scheduled ones that are due, resume a send whose worker stopped (killed, restarted).
    "newsletters-send": {"task": "newsletters.tasks.newsletters_dispatch", "schedule": _every or 60.0,
                         "options": {"expires": 55}},
    # A thank-you coupon after a customer's first order (coupons.services.incentives), sent once.
    "coupons-thank-you": {"task": "coupons.tasks.thank_you_coupons_send", "schedule": _every or 600.0,
                          "options": {"expires": 590}},
    # RFM scores, tiers and churn flags of every customer (crm.services.scoring), once a night.
    "customer-scores": {"task": "crm.tasks.customer_scores_nightly", "schedule": crontab(hour=2, minute=0)},
    # Cross-sell: "customers who bought this also bought" from the counted orders (recommendations.services).
    "cross-sell-pairs": {"task": "recommendations.tasks.product_pairs_nightly", "schedule": crontab(hour=2, minute=30)},
    # Request metrics (monitoring): minutes older than 2 days rolled up into hours, rows older than
    # SHOP_MONITORING_KEEP_DAYS deleted, once a night.
    "request-metrics-tidy": {"task": "monitoring.tasks.request_minutes_tidy", "schedule": crontab(hour=3, minute=30)},
    # Quotes sent or accepted past their validity date become "expired" (quotes.services.quotes_expire).
    "quotes-expire": {"task": "quotes.tasks.quotes_expire_daily", "schedule": crontab(hour=0, minute=30)},
    # Reorder suggestions from the last SHOP_REORDER_WEEKS of sales (purchasing.services.reorder), once a night.
    "reorder-suggestions": {"task": "purchasing.tasks.reorder_suggestions_nightly",
                            "schedule": crontab(hour=1, minute=30)},
    # A stock row fell to its reorder point: the Warehouse group is emailed, once per crossing.
    "low-stock-alerts": {"task": "purchasing.tasks.low_stock_alerts", "schedule": _every or 600.0,
                         "options": {"expires": 590}},
    # The REST API's Idempotency-Keys older than SHOP_API_IDEMPOTENCY_HOURS are forgotten, once a night (an expired
    # key is ignored before then).
    "api-idempotency-purge": {"task": "api.tasks.idempotency_keys_purge", "schedule": crontab(hour=4, minute=15)},
    # Store pickups ready for SHOP_PICKUP_REMIND_DAYS days and not collected: the customer is reminded once.
    "pickups-remind": {"task": "shipping.tasks.pickups_remind_daily", "schedule": crontab(hour=9, minute=30)},
}
CELERY_BEAT_SCHEDULE = {name: {**job, "task": "jobs.tasks.job_run", "args": (name,)} for name, job in SHOP_JOBS.items()}

# Security
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that terminates HTTPS: the header it sets and its value, e.g. "HTTP_X_FORWARDED_PROTO,https".
# Only set it when the proxy always sets (or strips) that header, otherwise a client could claim HTTPS.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https.")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None

# Customer accounts (django-allauth): sign in by email, which must be verified; the verification links an
# account to the guest orders placed with that email (crm.adapter).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "payments:statement"
LOGOUT_REDIRECT_URL = "catalog:home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # crm.adapter's + the welcome coupon
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The sign-up form also asks for the customer's first and last name, so pages and emails greet them by it.
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Every allauth email goes through the outbox (crm.adapter.AccountAdapter.send_mail); security notices too: the
# customer is told when their password or email address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Failed sign-ins are throttled per address and per email (the cache must be shared by every process: CACHE_URL).
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}

# Shop knobs
SHOP_NAME = env.str("SHOP_NAME", default="comptoir")
SHOP_PRODUCTS_PER_PAGE = env.int("SHOP_PRODUCTS_PER_PAGE", default=24)
# At or below this many units available online, the product page says "only N left".
SHOP_LOW_STOCK_DISPLAY = env.int("SHOP_LOW_STOCK_DISPLAY", default=5)
# Reorder suggestions: the pace of sales is read over this many weeks, and this many days of sales are kept as
# safety stock on top of the supplier's lead time.
SHOP_REORDER_WEEKS = env.int("SHOP_REORDER_WEEKS", default=8)
SHOP_REORDER_SAFETY_DAYS = env.int("SHOP_REORDER_SAFETY_DAYS", default=7)
# Safety net only: every stock movement and catalogue edit already bumps the version in the page keys.
SHOP_PAGE_CACHE_SECONDS = env.int("SHOP_PAGE_CACHE_SECONDS", default=600)
# Off: catalogue pages are rendered on every visit (what a cache miss costs; the benchmark's "miss" runs), while the
# data they are built from (category tree, shipping set-up) stays cached.
SHOP_PAGE_CACHE = env.bool("SHOP_PAGE_CACHE", default=True)
# Cross-sell: two products are suggested together once at least this many counted orders hold both; each product
# keeps its best SHOP_CROSS_SELL_TOP (candidates: out-of-stock ones are skipped when shown).
SHOP_CROSS_SELL_MIN_SUPPORT = env.int("SHOP_CROSS_SELL_MIN_SUPPORT", default=2)
SHOP_CROSS_SELL_TOP = env.int("SHOP_CROSS_SELL_TOP", default=12)
SHOP_THUMBNAIL_SIZES = {"small": 160, "medium": 480, "large": 960}
SHOP_ORDER_PREFIX = env.str("SHOP_ORDER_PREFIX", default="C-")
# Links in emails point here (there is no request when Celery renders or sends an email).
# Shown on the contact page and in the footer; the demo's number is a fictional 555-01xx one.
SHOP_CONTACT_EMAIL = env.str("SHOP_CONTACT_EMAIL", default="")
SHOP_CONTACT_PHONE = env.str("SHOP_CONTACT_PHONE", default="+1 403-555-0100")
SHOP_BASE_URL = env.str("SHOP_BASE_URL", default="http://127.0.0.1:8000")
# The sender's identification in every newsletter (CASL): the business's legal name and a postal address.
SHOP_LEGAL_NAME = env.str("SHOP_LEGAL_NAME", default="comptoir inc.")
SHOP_POSTAL_ADDRESS = env.str("SHOP_POSTAL_ADDRESS", default="100 8 Ave SW, Calgary AB  T2P 1B3, Canada")
# Newsletters: recipients per batch (each batch re-checks consent), how long a batch's claim lasts before another
# worker may take its rows again, and an optional mailbox for List-Unsubscribe's mailto (only if someone reads it).
SHOP_NEWSLETTER_BATCH = env.int("SHOP_NEWSLETTER_BATCH", default=100)
SHOP_NEWSLETTER_LEASE_SECONDS = env.int("SHOP_NEWSLETTER_LEASE_SECONDS", default=600)
SHOP_NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("SHOP_NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")
# How long the footer sign-up's confirmation link works.
SHOP_NEWSLETTER_CONFIRM_DAYS = env.int("SHOP_NEWSLETTER_CONFIRM_DAYS", default=7)

# Card payments (Stripe Checkout). Without a secret key the shop runs and card payment is simply not offered.
# STRIPE_API_BASE points the official library elsewhere: the project's fake Stripe (payments/fake_stripe.py) in
# tests and in `make run`.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")

# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware): scripts, styles, pictures and fonts come from
# the shop only; no inline script or style in our templates (the Django admin's few inline blocks carry the
# per-request nonce); Bootstrap's icons are data: images. Forms post to the shop, and "Place order"/"Pay now"
# redirect to Stripe's hosted Checkout page, which browsers check against form-action too.
_card_checkout_origin = "https://checkout.stripe.com"
if STRIPE_API_BASE:  # the fake Stripe serves its payment page on its own address
    _card_checkout_origin = "{0.scheme}://{0.netloc}".format(urlsplit(STRIPE_API_BASE))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, _card_checkout_origin],
}
# An unpaid card order holds its stock this long; then the reservation is released and the customer told.
SHOP_PAYMENT_EXPIRY_MINUTES = env.float("SHOP_PAYMENT_EXPIRY_MINUTES", default=60)
# A store pickup ready this many days and not collected is flagged for staff and its customer reminded once.
SHOP_PICKUP_REMIND_DAYS = env.int("SHOP_PICKUP_REMIND_DAYS", default=7)
# Cheque orders are held until the cheque arrives; the invoice is due this many days after the order.
SHOP_CHEQUE_DUE_DAYS = env.int("SHOP_CHEQUE_DUE_DAYS", default=14)
# Reminders: "due soon" this many days before the due date; "final notice" this many days after it.
SHOP_REMINDER_DUE_SOON_DAYS = env.int("SHOP_REMINDER_DUE_SOON_DAYS", default=3)
SHOP_REMINDER_FINAL_DAYS = env.int("SHOP_REMINDER_FINAL_DAYS", default=15)

# Shipping: the province a product page's "order today, arrives by …" assumes before the shopper gives an address.
SHOP_HOME_PROVINCE = env.str("SHOP_HOME_PROVINCE", default="AB")
# Demos and tests only: delivery dates are promised as if it were this moment (ISO 8601, e.g. 2026-12-24T14:30,
# shop time without an offset) instead of now (shipping.services.promise.promise_clock).
SHOP_PROMISE_NOW = env.str("SHOP_PROMISE_NOW", default="")
# Returns are accepted this many days after delivery (or shipping, when delivery was not recorded).
SHOP_RETURN_DAYS = env.int("SHOP_RETURN_DAYS", default=30)
# Quote requests (quotes app): the largest attachment accepted (PDF, PNG or JPEG), and how long the signed link
# emailed with a quote works (the quote's own validity date decides whether it can still be accepted).
SHOP_QUOTE_ATTACHMENT_MAX_BYTES = env.int("SHOP_QUOTE_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
SHOP_QUOTE_LINK_MAX_AGE_DAYS = env.int("SHOP_QUOTE_LINK_MAX_AGE_DAYS", default=365)
# The coupons the shop sends on its own (coupons.services.incentives): single-use codes reserved for the customer.
# kind: "percent" (value in %), "fixed" (value in CAD) or "free_shipping"; minimum_order: items' total in CAD.
SHOP_THANK_YOU_AFTER_HOURS = env.float("SHOP_THANK_YOU_AFTER_HOURS", default=1)
SHOP_INCENTIVES = {
    "welcome": {"kind": "percent", "value": env.str("SHOP_WELCOME_PERCENT", default="10"), "minimum_order": "0",
                "valid_days": env.int("SHOP_WELCOME_DAYS", default=30)},
    "thank_you": {"kind": "fixed", "value": env.str("SHOP_THANK_YOU_AMOUNT", default="10.00"),
                  "minimum_order": env.str("SHOP_THANK_YOU_MINIMUM", default="50.00"),
                  "valid_days": env.int("SHOP_THANK_YOU_DAYS", default=60)},
    "win_back": {"kind": "percent", "value": env.str("SHOP_WIN_BACK_PERCENT", default="15"), "minimum_order": "0",
                 "valid_days": env.int("SHOP_WIN_BACK_DAYS", default=30)},
}

# Site monitoring (monitoring app). Each web process adds its request counts to the database at most this often
# (0: never on its own, as in the tests); per-minute rows are kept this many days.
SHOP_MONITORING_FLUSH_SECONDS = env.float("SHOP_MONITORING_FLUSH_SECONDS", default=10)
SHOP_MONITORING_KEEP_DAYS = env.int("SHOP_MONITORING_KEEP_DAYS", default=90)
# /metrics (Prometheus) answers only with "Authorization: Bearer <SHOP_METRICS_TOKEN>" or to a client in one of these
# networks (e.g. 10.0.0.0/8); with neither set it answers 404 to everyone. No default token, on purpose.
SHOP_METRICS_TOKEN = env.str("SHOP_METRICS_TOKEN", default="")
SHOP_METRICS_ALLOWED_NETWORKS = env.list("SHOP_METRICS_ALLOWED_NETWORKS", default=[])

# The back office's REST API (api app, /api/v1/): token auth with the point-of-sale keys, permissions from the user's
# groups, JSON errors, pages of 50; its OpenAPI schema (drf-spectacular) at /api/v1/schema/, read at /api/v1/docs/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ModelPermissions"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONObjectParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.UpdatedSinceFilter"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "comptoir back-office API",
    "DESCRIPTION": "Products, stock, orders, customers and purchase orders of the shop, for a point-of-sale or "
                   "back-office system. Authenticate with `Authorization: Bearer <key>`; send an `Idempotency-Key` "
                   "header with every write.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ProvinceEnum": "orders.models.Province", "OrderStatusEnum": "orders.models.Order.Status",
                            "PurchaseOrderStatusEnum": "purchasing.models.PurchaseOrder.Status"},
}
# An Idempotency-Key's answer is kept this long: a retry within it is answered without doing the write again.
SHOP_API_IDEMPOTENCY_HOURS = env.int("SHOP_API_IDEMPOTENCY_HOURS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
