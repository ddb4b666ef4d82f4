"""With the broker down, an order still commits at once and its email is kept for the sweep."""

import socket
import threading
import time

import pytest
from django.db import connection, transaction

from outbox import services
from outbox.models import OutboxEmail
from outbox.tests.conftest import celery_publishing

pytestmark = pytest.mark.django_db(transaction=True)


def queue_order_acknowledgement() -> OutboxEmail:
    return services.email_queue(
        to="ana@example.ca", subject="Order C-1001 received", text_body="Thank you for your order C-1001.",
        reference="C-1001",
    )


def test_queueing_with_the_broker_down_returns_at_once_and_the_sweep_sends_the_email_once(
    broker_unreachable, mail_to_smtp_server, inbox, caplog
):
    started = time.monotonic()
    with transaction.atomic():
        email = queue_order_acknowledgement()
    elapsed = time.monotonic() - started

    assert elapsed < 3
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)
    assert f"Outbox email {email.pk} was not enqueued" in caplog.text
    assert inbox.messages == []

    assert services.emails_sweep(older_than_seconds=0) == 1
    assert services.emails_sweep(older_than_seconds=0) == 0

    [(recipients, message)] = inbox.messages
    assert (recipients, message["Subject"]) == (["ana@example.ca"], "Order C-1001 received")
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


@pytest.fixture
def silent_broker_url():
    """A broker that accepts connections and never answers (a hung Redis, a half-open connection): the kernel
    completes the handshakes into the backlog, nobody reads."""
    with socket.create_server(("127.0.0.1", 0), backlog=32) as listener:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def test_queueing_with_a_broker_that_never_answers_gives_up_within_the_publish_timeouts(silent_broker_url):
    finished = threading.Event()
    timings = {}

    def queue_in_autocommit():
        started = time.monotonic()
        try:
            timings["email"] = queue_order_acknowledgement()
        finally:
            timings["elapsed"] = time.monotonic() - started
            finished.set()
            connection.close()

    with celery_publishing(broker_url=silent_broker_url):
        threading.Thread(target=queue_in_autocommit, daemon=True).start()
        assert finished.wait(timeout=15), "publishing to a silent broker hung"

    assert timings["elapsed"] < 7  # at most two publish attempts (retry policy) of socket_timeout (3 s) each
    assert OutboxEmail.objects.get(pk=timings["email"].pk).status == "pending"
