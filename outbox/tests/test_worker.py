"""The whole path on real services: Postgres, Redis as the broker, a `celery worker` process, an SMTP server."""

import time

import pytest
from django.db import transaction

from outbox import services
from outbox.models import OutboxEmail

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for_status(email: OutboxEmail, status: str, *, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return
        time.sleep(0.1)
    pytest.fail(f"Email {email.pk} is still {email.status!r}, not {status!r}, after {seconds} s.")


def test_an_email_queued_in_a_committed_transaction_reaches_the_smtp_server_through_the_worker(
    celery_worker_process, broker_reachable, inbox
):
    with transaction.atomic():
        email = services.email_queue(
            to="ana@example.ca", subject="Order C-1001 received", text_body="Thank you for your order C-1001.",
            html_body="<p>Thank you for your order C-1001.</p>", reference="C-1001",
        )

    wait_for_status(email, "sent")

    assert "Task outbox.tasks.outbox_send[" in celery_worker_process.read_text()  # the worker sent it, not this process

    [(recipients, message)] = inbox.messages
    assert recipients == ["ana@example.ca"]
    assert (message["To"], message["Subject"], message["Content-Language"]) == (
        "ana@example.ca", "Order C-1001 received", "en")
    assert message.get_body(("plain",)).get_content() == "Thank you for your order C-1001.\r\n"
    assert message.get_body(("html",)).get_content() == "<p>Thank you for your order C-1001.</p>\r\n"
    assert (email.attempts, email.last_error) == (1, "")
    assert services.emails_sweep(older_than_seconds=0) == 0
    assert len(inbox.messages) == 1
