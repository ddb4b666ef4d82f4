"""How django-allauth fits the shop.

- A verified email brings its guest orders into the account.
- Every email allauth sends (sign-up verification, password reset, a new address to confirm, security notices) goes
  through the outbox like every other email: written as a row in a transaction and sent after commit, so a mail
  server that is down never fails the page and the email goes out once it is back (outbox.services). The shop's
  own bilingual templates (templates/emails/accounts/) write them, in the language of the request.
- Links in these emails start with SHOP_BASE_URL, like every other email of the shop: what the visitor's Host header
  says never decides where a password-reset link points.
"""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from outbox.services import email_queue, email_queue_rendered

from .services.contacts import orders_attach_to_user

ALLAUTH_PREFIX = "account/email/"
SHOP_TEMPLATES = "emails/accounts/"


def shop_link(path: str) -> str:
    return settings.SHOP_BASE_URL.rstrip("/") + path


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed and email_address.verified:
            orders_attach_to_user(user=email_address.user, email=email_address.email,
                                  language=translation.get_language() or settings.LANGUAGE_CODE)
        return confirmed

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return shop_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        url = urlsplit(super().get_reset_password_from_key_url(key))  # allauth's path (it quotes the opaque key)
        return shop_link(url.path + (f"?{url.query}" if url.query else ""))

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """Security notices (password changed, email changed ...) greet the customer by name too."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Queue the email in the outbox instead of sending it now. An email the shop has a template for
        (emails/accounts/<name>) is written with it; any other (a flow the shop does not use today) is rendered
        with allauth's own template and queued all the same."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        name = template_prefix.removeprefix(ALLAUTH_PREFIX)
        shop_template = SHOP_TEMPLATES + name
        with transaction.atomic():
            if template_prefix.startswith(ALLAUTH_PREFIX) and _exists(f"{shop_template}.txt"):
                email_queue_rendered(
                    to=email, template=shop_template, language=language, reference=f"account:{name}"[:64],
                    context={**context, "email": email, "name": getattr(context.get("user"), "first_name", ""),
                             "language": language},
                )
            else:
                request = allauth_context.request
                message = self.render_mail(template_prefix, email, {
                    "request": request, "email": email, "current_site": get_current_site(request), **context})
                if message.content_subtype == "html":
                    text, html = strip_tags(message.body), message.body
                else:
                    text = message.body
                    html = next((body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"),
                                "")
                email_queue(to=email, subject=message.subject, text_body=text, html_body=html, language=language,
                            reference=f"account:{name}"[:64])


def _exists(template_name: str) -> bool:
    try:
        get_template(template_name)
    except TemplateDoesNotExist:
        return False
    return True
