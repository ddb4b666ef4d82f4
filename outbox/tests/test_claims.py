"""A sender owns an outbox row only while its claim lasts. A send that outlives its lease (an SMTP conversation
that hangs) may be repeated by another sender, the documented limit, but the late sender never writes over the
claim that replaced its own: not "sent", not "failed, try again". Real threads, each with its own database
connection, and a mailer that holds a sender inside its SMTP send for as long as the test wants."""

import re
import smtplib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox import services
from outbox.tests.factories import OutboxEmailFactory

WAIT_SECONDS = 10
LATE = "Outbox email {} was sent after its lease ran out and was claimed again."


@dataclass
class Gate:
    """Holds one sender thread inside its send until opened; `fail` makes that send fail as a dropped link does."""

    inside: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)
    fail: bool = False


class HeldMailer(locmem.EmailBackend):
    """Django's locmem mailer (messages land in mail.outbox), except that a thread with a gate waits inside the send
    until the test opens it, and `on_send` hooks run as the send begins."""

    gates: dict[str, Gate] = {}
    on_send: list = []

    def send_messages(self, messages):
        for hook in self.on_send:
            hook()
        gate = self.gates.get(threading.current_thread().name)
        if gate is not None:
            gate.inside.set()
            if not gate.opened.wait(WAIT_SECONDS):
                raise RuntimeError("The test never let this send finish.")
            if gate.fail:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def held_mailer(settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.HeldMailer"}}
    HeldMailer.gates.clear()
    HeldMailer.on_send.clear()
    yield HeldMailer
    for gate in HeldMailer.gates.values():
        gate.opened.set()  # never leave a thread waiting, even when the test failed
    HeldMailer.gates.clear()
    HeldMailer.on_send.clear()


class Sender:
    """services.email_send in a thread of its own (its own database connection), held inside its SMTP send."""

    def __init__(self, name: str, email_id: int, *, held: bool = True):
        self.gate = Gate()
        if held:
            HeldMailer.gates[name] = self.gate
        self.result: bool | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(email_id,), name=name, daemon=True)

    def _run(self, email_id: int) -> None:
        try:
            self.result = services.email_send(email_id=email_id)
        except BaseException as error:  # noqa: BLE001 — reported by finish()
            self.error = error
        finally:
            connection.close()

    def start_and_hold(self) -> "Sender":
        """Start; return once the sender has claimed the row and is inside its SMTP send."""
        self.thread.start()
        assert self.gate.inside.wait(WAIT_SECONDS), f"{self.thread.name} never reached its SMTP send"
        return self

    def finish(self, *, fail: bool = False) -> bool:
        """Let the SMTP send end (or fail) and wait for the sender to be done; what email_send returned."""
        self.gate.fail = fail
        self.gate.opened.set()
        self.thread.join(WAIT_SECONDS)
        assert not self.thread.is_alive(), f"{self.thread.name} did not finish"
        assert self.error is None, f"{self.thread.name} raised {self.error!r}"
        return self.result


def row(email) -> tuple:
    email.refresh_from_db()
    return email.status, email.attempts, email.claimed_until, email.sent_at, email.last_error


def let_lease_run_out(email) -> None:
    """Wait, on the real clock, until the lease now on the row is over."""
    email.refresh_from_db()
    time.sleep(max(0.0, (email.claimed_until - timezone.now()).total_seconds()) + 0.01)
    assert timezone.now() > email.claimed_until


def late_errors(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "outbox.services"]


@pytest.fixture
def a_holds_past_its_lease(held_mailer, monkeypatch):
    """Sender A claims a pending email and hangs inside its SMTP send until its lease is over. A's lease is
    200 ms instead of 10 minutes, so the test need not wait; every later claim has the real lease."""
    email = OutboxEmailFactory()
    monkeypatch.setattr(services, "LEASE", timedelta(milliseconds=200))
    a = Sender("A", email.pk).start_and_hold()
    monkeypatch.setattr(services, "LEASE", timedelta(minutes=10))
    status, attempts, lease_a, _sent_at, _error = row(email)
    assert (status, attempts) == ("sending", 1)
    let_lease_run_out(email)
    return email, a, lease_a


@pytest.mark.django_db(transaction=True)
def test_while_a_sender_is_inside_its_smtp_send_its_claim_is_committed_and_no_other_sender_sends_the_email(
    held_mailer, mailoutbox
):
    email = OutboxEmailFactory(created_at=timezone.now() - timedelta(minutes=5))
    a = Sender("A", email.pk).start_and_hold()
    claimed_by_a = row(email)
    assert claimed_by_a[:2] == ("sending", 1)

    assert services.email_send(email_id=email.pk) is False  # another worker, on another connection
    assert services.emails_sweep(older_than_seconds=0) == 0  # the beat's sweep
    assert row(email) == claimed_by_a
    assert mailoutbox == []

    assert a.finish() is True
    assert row(email)[:3] == ("sent", 1, None)
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_sender_whose_lease_ran_out_does_not_mark_sent_the_email_another_sender_is_now_sending(
    a_holds_past_its_lease, mailoutbox, caplog
):
    email, a, lease_a = a_holds_past_its_lease
    b = Sender("B", email.pk).start_and_hold()  # B takes the row over, with a lease of its own
    _status, _attempts, lease_b, _sent_at, _error = row(email)
    assert lease_b >= lease_a + timedelta(minutes=10)

    assert a.finish() is True  # A's SMTP conversation ends at last: it did send, but the row is B's now

    assert row(email) == ("sending", 2, lease_b, None, "")
    assert late_errors(caplog) == [("ERROR", LATE.format(email.pk))]
    assert b.finish() is True
    status, attempts, claimed_until, sent_at, last_error = row(email)
    assert (status, attempts, claimed_until, last_error) == ("sent", 2, None, "")
    assert sent_at > lease_a
    assert len(mailoutbox) == 2  # both conversations reached the server: the limit the module docstring states
    assert late_errors(caplog) == [("ERROR", LATE.format(email.pk))]


@pytest.mark.django_db(transaction=True)
def test_a_sender_whose_lease_ran_out_leaves_the_email_as_the_sender_who_took_over_marked_it(
    a_holds_past_its_lease, mailoutbox, caplog
):
    email, a, _lease_a = a_holds_past_its_lease
    b = Sender("B", email.pk, held=False)
    b.thread.start()
    assert b.finish() is True  # B claims, sends and marks it sent while A still hangs
    marked_by_b = row(email)
    assert marked_by_b[:3] == ("sent", 2, None)

    assert a.finish() is True

    assert row(email) == marked_by_b
    assert late_errors(caplog) == [("ERROR", LATE.format(email.pk))]
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_sender_whose_lease_ran_out_and_whose_send_failed_does_not_undo_the_claim_of_the_sender_who_took_over(
    a_holds_past_its_lease, mailoutbox
):
    email, a, _lease_a = a_holds_past_its_lease
    b = Sender("B", email.pk).start_and_hold()
    claimed_by_b = row(email)

    assert a.finish(fail=True) is False  # A's conversation breaks off: its failure is not recorded on B's claim

    assert row(email) == claimed_by_b
    assert email.next_attempt_at is None
    assert b.finish() is True
    assert row(email)[:3] == ("sent", 2, None)
    assert len(mailoutbox) == 1


def _conditions(where: str) -> set[tuple[str, str, str]]:
    return set(re.findall(r"(\w+) (=|<) ('[^']*'|\d+)", where))


def _normalized(sql: str) -> str:
    return sql.replace('"outbox_outboxemail".', "").replace('"', "").replace("::timestamptz", "")


def _when(literal: str) -> datetime:
    return datetime.fromisoformat(literal.strip("'"))


@pytest.mark.django_db
def test_the_claim_is_one_conditional_update_before_the_smtp_send_and_marking_sent_is_conditioned_on_that_claim(
    held_mailer, mailoutbox
):
    email = OutboxEmailFactory()
    sent_after: list[int] = []  # how many queries had run when the SMTP send began
    with CaptureQueriesContext(connection) as queries:
        held_mailer.on_send.append(lambda: sent_after.append(len(queries.captured_queries)))
        assert services.email_send(email_id=email.pk) is True

    claim, read, mark = (_normalized(query["sql"]) for query in queries.captured_queries)
    assert sent_after == [2]  # the claim (and reading the row it claimed) before the SMTP send, nothing else
    found = re.fullmatch(r"UPDATE outbox_outboxemail SET status = 'sending', claimed_until = ('[^']+'), "
                         r"attempts = \(attempts \+ 1\) WHERE (.+)", claim)
    assert found, claim
    lease, where = found.groups()
    now = next(value for column, op, value in _conditions(where) if (column, op) == ("claimed_until", "<"))
    assert _conditions(where) == {("status", "=", "'pending'"), ("status", "=", "'sending'"),
                                  ("claimed_until", "<", now), ("attempts", "<", "8"), ("id", "=", str(email.pk))}
    assert where.count(" OR ") == 1  # pending, or sending with an expired lease
    assert _when(lease) - _when(now) == services.LEASE
    assert read.startswith("SELECT ") and read.endswith(f"WHERE id = {email.pk} LIMIT 21")
    found = re.fullmatch(r"UPDATE outbox_outboxemail SET status = 'sent', sent_at = '[^']+', claimed_until = NULL, "
                         r"next_attempt_at = NULL WHERE (.+)", mark)
    assert found, mark
    assert _conditions(found.group(1)) == {("claimed_until", "=", lease), ("id", "=", str(email.pk)),
                                           ("status", "=", "'sending'")}
    assert len(mailoutbox) == 1
