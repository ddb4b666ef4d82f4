"""Emails printed to the console (make run's default, EMAIL_URL=consolemail://) can be read, and their links copied."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from outbox.models import OutboxEmail
from outbox.services import email_queue

pytestmark = pytest.mark.django_db

# A signed order link as the shop writes them: long, with "=" and "%" in its query string.
LINK = ("http://127.0.0.1:8000/fr/orders/C-1042/?token=eyJvcmRlciI6MTA0MiwibGFuZyI6ImZyIn0:1vXyZa:"
        "Q2hhbmdlIG1lIGluIHByb2R1Y3Rpb24gcGxlYXNlIDEyMzQ1Njc4OTA&utm_source=courriel&retour=%2Ffr%2Fpanier%2F")
BODY = (
    "Bonjour Hélène,\n\n"
    "Nous n’avons pas reçu votre paiement à temps : les articles de votre commande sont remis en vente.\n"
    f"Voir votre commande : {LINK}\n\n"
    "À bientôt,\nL’équipe de comptoir\n"
)


def test_a_french_email_prints_with_its_exact_link_and_accents(settings, capsys, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "outbox.console.EmailBackend"}}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email_queue(to="helene@example.com", subject="Votre commande C-1042 a expiré", text_body=BODY,
                    html_body=f'<p>Bonjour Hélène,</p><p><a href="{LINK}">Voir votre commande</a></p>',
                    language="fr", reference="C-1042")

    printed = capsys.readouterr().out
    assert OutboxEmail.objects.get().status == "sent"
    head, body = printed.split("\n\n", 1)
    assert head.splitlines()[:3] == ["Subject: Votre commande C-1042 a expiré",
                                     f"From: {django_settings.DEFAULT_FROM_EMAIL}", "To: helene@example.com"]
    assert "Content-Language: fr" in head.splitlines()
    assert head.splitlines()[-1] == "(also sent as HTML, not shown here)"
    assert body == BODY.rstrip("\n") + "\n" + "-" * 79 + "\n"
    assert f"Voir votre commande : {LINK}\n" in printed  # the whole link on one line, as sent
    assert "=3D" not in printed and "=C3=" not in printed and "Content-Transfer-Encoding" not in printed


def test_the_default_email_setting_prints_readable_emails_to_the_console(tmp_path):
    """With no EMAIL_URL (make run), `manage.py sendtestemail` shows the message, not its MIME encoding."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "DATABASE_URL": "sqlite:///:memory:"}
    environment.pop("EMAIL_URL", None)

    printed = subprocess.run(
        [sys.executable, "manage.py", "sendtestemail", "helene@example.com"], cwd=django_settings.BASE_DIR,
        env=environment, capture_output=True, text=True, timeout=60, check=True,
    ).stdout

    assert printed.startswith("Subject: Test email from ")
    assert "\nTo: helene@example.com\n" in printed
    assert "Content-Transfer-Encoding" not in printed and "MIME-Version" not in printed
    assert printed.endswith("\n" + "-" * 79 + "\n")
