"""A real `celery worker` is killed (SIGKILL) in the middle of a newsletter; another one resumes it: every consenting
recipient gets exactly one email at the SMTP server, and nobody else gets any.

The SMTP server holds the Nth message without answering, the test kills the worker then, and the server drops that
message (it never said "250 accepted", so the message was not delivered: the outbox must send it again). The leases
of the dead worker's claims are then aged as the clock would age them, and the periodic job resumes the send."""

import asyncio
import collections
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone

from newsletters.models import Newsletter, NewsletterDelivery
from newsletters.services import sending
from outbox.models import OutboxEmail
from outbox.tests.conftest import _test_database_url, _wait_until_ready, celery_publishing, free_port
from shop.celery import app as celery_app

from .conftest import contact_with

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

# A Redis database of this test's own: other worker tests (outbox) clear theirs.
BROKER_URL = os.environ.get("NEWSLETTER_TEST_BROKER_URL", "redis://127.0.0.1:6379/12")
CONSENTING, BATCH, HOLD_AT = 23, 5, 8


class GatedInbox:
    """Accepts messages, except the HOLD_AT-th: it waits until released, then refuses it (451) and keeps nothing."""

    def __init__(self):
        self.accepted: list[email.message.EmailMessage] = []
        self.seen = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.seen += 1
        if self.seen == HOLD_AT:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 Requested action aborted: the client went away"
        self.accepted.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def start_worker(smtp_port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "DATABASE_URL": _test_database_url(),
           "CELERY_BROKER_URL": BROKER_URL, "CELERY_TASK_ALWAYS_EAGER": "false",
           "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "SHOP_NEWSLETTER_BATCH": str(BATCH)}
    command = [str(Path(sys.executable).parent / "celery"), "-A", "shop", "worker", "--pool", "solo", "-c", "1",
               "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
               "-n", f"newsletter-test-{uuid.uuid4().hex[:8]}@%h"]
    with log.open("w") as output:
        worker = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=subprocess.STDOUT)
    _wait_until_ready(worker, log)
    return worker


def wait_until(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Still not {what} after {seconds} s.")
        time.sleep(0.1)


def test_a_worker_killed_mid_send_is_resumed_by_another_with_no_double_and_no_gap(newsletter, tmp_path):
    consenting = [contact_with(f"reader{i:02}@example.ca", consent="express", name=f"reader{i:02}",
                               language="fr" if i % 3 == 0 else "en").email for i in range(CONSENTING)]
    contact_with("lapsed@example.ca", consent="implied", days_ago=800)
    contact_with("withdrawn@example.ca", consent="withdrawn")
    contact_with("never@example.ca")
    with redis.Redis.from_url(BROKER_URL) as broker:
        broker.delete("celery")
    inbox = GatedInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    workers = []
    try:
        with celery_publishing(broker_url=BROKER_URL):
            first = start_worker(controller.port, tmp_path / "first.log")
            workers.append(first)
            sending.newsletter_start(newsletter=newsletter)  # commits: the task goes to the first worker

            assert inbox.holding.wait(timeout=60), (tmp_path / "first.log").read_text()
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            inbox.release.set()
            assert len(inbox.accepted) == HOLD_AT - 1
            assert Newsletter.objects.get().status == "sending"

            # Ten minutes later, as far as the dead worker's leases are concerned.
            past = timezone.now() - timedelta(seconds=1)
            NewsletterDelivery.objects.filter(status="sending").update(claimed_until=past)
            OutboxEmail.objects.filter(status="sending").update(claimed_until=past)
            Newsletter.objects.update(heartbeat_at=timezone.now() - timedelta(hours=1))

            second = start_worker(controller.port, tmp_path / "second.log")
            workers.append(second)
            beat = settings.CELERY_BEAT_SCHEDULE["newsletters-send"]  # what Celery beat sends every minute
            celery_app.send_task(beat["task"], args=beat["args"], **beat["options"])
            wait_until(lambda: Newsletter.objects.get().status == "sent"
                       and not OutboxEmail.objects.exclude(status="sent").exists(), seconds=90,
                       what=f"sent:\n{(tmp_path / 'second.log').read_text()}")
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=10)
        controller.stop()

    received = collections.Counter(message["To"] for message in inbox.accepted)
    assert received == collections.Counter(consenting)  # each consenting reader exactly once; nobody else
    assert "Task newsletters.tasks.newsletter_send[" in (tmp_path / "second.log").read_text()
    french = [m for m in inbox.accepted if m["To"] == "reader00@example.ca"]
    assert french[0]["Subject"] == "L'automne au comptoir" and french[0]["List-Unsubscribe-Post"]
    assert NewsletterDelivery.objects.filter(status="queued").count() == CONSENTING
