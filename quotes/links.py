"""The signed link a customer receives with their quote: no sign-in needed, nothing to guess, nothing to tamper
with (django.core.signing). The link itself lasts SHOP_QUOTE_LINK_MAX_AGE_DAYS; the quote's own validity date says
whether it can still be accepted."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "quotes.quote-link"


class LinkInvalid(Exception):
    """Not a link we made (mistyped, cut, or tampered with)."""


class LinkExpired(Exception):
    """A link we made, older than SHOP_QUOTE_LINK_MAX_AGE_DAYS."""


def quote_token(quote) -> str:
    return signing.dumps({"q": quote.pk}, salt=SALT)


def quote_path(quote) -> str:
    """The quote's page in the customer's language (/fr/... for French)."""
    with translation.override(quote.language):
        return reverse("quotes:quote_detail", kwargs={"token": quote_token(quote)})


def quote_url(quote) -> str:
    return settings.SHOP_BASE_URL.rstrip("/") + quote_path(quote)


def quote_id_from_token(token: str) -> int:
    """The quote id a link names; raises LinkInvalid or LinkExpired."""
    max_age = datetime.timedelta(days=settings.SHOP_QUOTE_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(data, dict) or not isinstance(data.get("q"), int):
        raise LinkInvalid
    return data["q"]
