"""Counting requests in the process's memory, and adding the counts to the database every few seconds.

A request costs a few dictionary and list operations under a lock (threads of one process share the counts); the
database sees one INSERT … ON CONFLICT statement per flush, whatever the traffic. The flush runs in the request that
finds it due, after its response is built and outside any transaction of the view, at most once every
SHOP_MONITORING_FLUSH_SECONDS per process (0: never on its own; the test settings use 0, so a test counting a
page's queries never sees the flush, and the monitoring tests call flush() themselves).

A failed flush is logged and its counts kept for the next one; past MAX_PENDING_KEYS (a database down for a long
time) the oldest minutes are dropped, so memory stays bounded. What a process counted since its last flush is lost
if it is killed; a clean stop (gunicorn's max_requests, a deploy) flushes at exit.
"""

import atexit
import logging
import threading
import time
from bisect import bisect_left
from datetime import UTC, datetime

from django.conf import settings

from .models import COUNTER_FIELDS, LATENCY_EDGES_MS

logger = logging.getLogger(__name__)

MAX_PENDING_KEYS = 20_000
_REQUESTS, _SERVER_ERRORS, _CLIENT_ERRORS, _DURATION_US = range(4)
_HISTOGRAM = 4
_WIDTH = len(COUNTER_FIELDS)


class Recorder:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[tuple[int, str], list[int]] = {}
        self._last_flush = time.monotonic()
        self._exit_hook = False

    def record(self, view_name: str, status: int, seconds: float, *, at: float | None = None) -> None:
        """Count one request to `view_name` answered with `status` in `seconds`, in the minute of `at` (Unix time,
        now by default); flush first when it is due."""
        minute = int((time.time() if at is None else at) // 60)
        bucket = _HISTOGRAM + bisect_left(LATENCY_EDGES_MS, seconds * 1000)
        key = (minute, view_name)
        with self._lock:
            counts = self._pending.get(key)
            if counts is None:
                if len(self._pending) >= MAX_PENDING_KEYS:
                    self._drop_oldest()
                counts = self._pending[key] = [0] * _WIDTH
            counts[_REQUESTS] += 1
            if status >= 500:
                counts[_SERVER_ERRORS] += 1
            elif status >= 400:
                counts[_CLIENT_ERRORS] += 1
            counts[_DURATION_US] += round(seconds * 1_000_000)
            counts[bucket] += 1
        every = settings.SHOP_MONITORING_FLUSH_SECONDS
        if every and time.monotonic() - self._last_flush >= every:
            self.flush()

    def flush(self) -> int:
        """Add what this process counted to the database; returns the number of (minute, page) rows written."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
            if not self._exit_hook and settings.SHOP_MONITORING_FLUSH_SECONDS:
                atexit.register(self._flush_at_exit)
                self._exit_hook = True
        if not pending:
            return 0
        from .services import request_minutes_add  # the models load after the apps, the middleware before

        rows = [(datetime.fromtimestamp(minute * 60, UTC), view_name, counts)
                for (minute, view_name), counts in pending.items()]
        try:
            return request_minutes_add(rows=rows)
        except Exception:  # the request being answered must not fail for its metrics: keep them for the next flush
            logger.exception("Request metrics could not be written; they are kept for the next try.")
            self._merge(pending)
            return 0

    def clear(self) -> None:
        """Forget what was counted and not flushed (tests)."""
        with self._lock:
            self._pending = {}

    def pending(self) -> dict[tuple[int, str], list[int]]:
        """A copy of what was counted and not flushed yet, keyed by (Unix minute, page)."""
        with self._lock:
            return {key: list(counts) for key, counts in self._pending.items()}

    def _merge(self, counted: dict[tuple[int, str], list[int]]) -> None:
        with self._lock:
            for key, counts in counted.items():
                mine = self._pending.get(key)
                if mine is None:
                    if len(self._pending) >= MAX_PENDING_KEYS:
                        self._drop_oldest()
                    self._pending[key] = counts
                else:
                    for i, value in enumerate(counts):
                        mine[i] += value

    def _drop_oldest(self) -> None:
        """Called with the lock held: forget the oldest minute to make room."""
        oldest = min(minute for minute, _ in self._pending)
        dropped = [key for key in self._pending if key[0] == oldest]
        for key in dropped:
            del self._pending[key]
        logger.warning("Request metrics: %d pages of an unflushed minute dropped to bound memory.", len(dropped))

    def _flush_at_exit(self) -> None:
        if not settings.SHOP_MONITORING_FLUSH_SECONDS:  # a test turned flushing on for a while, then off again
            return
        try:
            self.flush()
        except Exception:  # the interpreter is stopping: nothing more to do
            logger.exception("Request metrics could not be written at exit.")


# One per process: every thread's requests go into it (the middleware and the tests use this one).
recorder = Recorder()
