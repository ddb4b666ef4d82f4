"""Races whose overlap is certain, not lucky (Postgres only): the test's own connection holds, in a transaction, the
row locks the racers will need, and lets go only once Postgres says every racer is blocked waiting for a lock. A
racer that is not held off by the lock under test runs on until it meets one of the held locks, so with that lock
missing both racers are in flight at once, every time."""

import threading
import time
from collections.abc import Callable

from django.db import connection, connections, transaction

TIMEOUT_SECONDS = 30


def sessions_waiting_for_a_lock() -> int:
    """How many other sessions on this database are blocked waiting for a lock right now."""
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless the snapshot is dropped.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def race_while_held(hold: Callable[[], object], workers: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run `hold()` in a transaction of this thread's connection, then each worker in its own thread (its own
    connection); once every worker is blocked on a lock, commit (the held locks go) and wait for the workers.

    Returns ("ok", result) or ("raised", exception) per worker, in order. Fails if a worker is still running after
    the timeout, or if the workers were never all blocked at the same time (the overlap would not be certain)."""
    outcomes: list[tuple[str, object] | None] = [None] * len(workers)

    def run(i: int, work: Callable[[], object]) -> None:
        try:
            outcomes[i] = ("ok", work())
        except Exception as error:  # the test asserts on what each worker raised
            outcomes[i] = ("raised", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work), daemon=True) for i, work in enumerate(workers)]
    blocked = 0
    try:
        with transaction.atomic():
            hold()
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + TIMEOUT_SECONDS
            while time.monotonic() < deadline and all(thread.is_alive() for thread in threads):
                blocked = sessions_waiting_for_a_lock()
                if blocked >= len(workers):
                    break
                time.sleep(0.02)
        # Committed: the held locks are released and the workers go on.
    finally:
        for thread in threads:
            if thread.ident is not None:
                thread.join(timeout=TIMEOUT_SECONDS)
    assert [thread.is_alive() for thread in threads] == [False] * len(threads), "a worker hung (lock wait?)"
    assert blocked == len(workers), f"only {blocked} of {len(workers)} workers were blocked at once: {outcomes}"
    return outcomes
