"""Outbox fixtures: a mail server that is down, a real local SMTP server (aiosmtpd), and Celery publishing to a real
broker URL instead of running eagerly."""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from shop.celery import app as celery_app

CLOSED_PORT = 1  # nothing listens there: connections are refused at once
UNREACHABLE_BROKER_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
# A Redis database of its own, so the worker started here never takes tasks meant for another one.
TEST_BROKER_URL = os.environ.get("OUTBOX_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
WORKER_START_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_mailers(*, port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@dataclass
class Inbox:
    """What the local SMTP server accepted: (envelope recipients, parsed message) pairs."""

    port: int
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    peers: list[tuple] = field(default_factory=list)  # the client's address of each message: one per SMTP session

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server():
    server = Inbox(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def inbox(smtp_server) -> Inbox:
    smtp_server.messages.clear()
    smtp_server.peers.clear()
    return smtp_server


@pytest.fixture
def smtp_down(settings) -> None:
    settings.MAILERS = smtp_mailers(port=CLOSED_PORT)


@pytest.fixture
def mail_to_smtp_server(settings, smtp_server) -> None:
    settings.MAILERS = smtp_mailers(port=smtp_server.port)


def _forget_broker_connections() -> None:
    """Celery caches the connection pools it made for the broker URL it used first, and kombu keeps a global
    registry of producer pools keyed by that URL: drop both, or the next test acquires from a closed pool."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@contextmanager
def celery_publishing(*, broker_url: str):
    """Publish tasks to broker_url instead of running them eagerly. The Celery app read its configuration once, at
    configure time, so overriding Django settings would not reach it: update app.conf and restore it after."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=broker_url, task_always_eager=False)
    _forget_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_broker_connections()


@pytest.fixture
def broker_unreachable():
    with celery_publishing(broker_url=UNREACHABLE_BROKER_URL):
        yield


@pytest.fixture
def broker_reachable():
    with celery_publishing(broker_url=TEST_BROKER_URL):
        yield


def _test_database_url() -> str:
    """The test database (test_... on Postgres, a file on SQLite), which the worker process must use too."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_until_ready(worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WORKER_START_SECONDS
    while " ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"The Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, smtp_server, tmp_path_factory):
    """A real `celery worker` process on the test database, the test Redis broker and the local SMTP server."""
    with redis.Redis.from_url(TEST_BROKER_URL) as broker:
        broker.delete("celery")  # tasks left over by an interrupted run
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
    }
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "shop", "worker", "--pool", "solo", "-c", "1", "-l", "info",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"outbox-test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with log.open("w") as output:
        worker = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(worker, log)
        yield log
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
