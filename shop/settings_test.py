"""Test overlay: Postgres by default (row locks and full-text search differ on SQLite), fast hashing,
plain static files, Celery eager unless a test asks for a real worker."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/comptoir")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
# DEBUG stays off as in production, so the settings want a key of their own (subprocesses inherit it).
os.environ.setdefault("SECRET_KEY", "comptoir-test-settings-only-not-for-any-server-7d1f0c9e2b4a")

from .settings import *  # noqa: E402,F403
from .settings import BASE_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
# Requests are counted in memory but never flushed by a request: a test counting a page's queries sees none of the
# monitoring's; monitoring's own tests flush explicitly.
SHOP_MONITORING_FLUSH_SECONDS = 0
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"
STORAGES = {**STORAGES, "private": {**STORAGES["private"],  # noqa: F405
                                   "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: a real `celery worker` process and the live server's threads open the same database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME", str(BASE_DIR / ".test-db.sqlite3"))}  # noqa: F405
# Static files straight from the app folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
