"""The shop's settings (middleware, sessions, cache) serving only bench.bare_urls: what any Django view costs here."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
