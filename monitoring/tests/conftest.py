"""Monitoring fixtures: the process's recorder emptied around each test (other tests' requests are counted in it
too, never flushed: the test settings set SHOP_MONITORING_FLUSH_SECONDS to 0)."""

from datetime import UTC, datetime

import pytest

from monitoring.recorder import recorder as process_recorder

# A fixed minute, far from midnight and from the clocks changing: 2026-11-23 10:15 UTC, 3:15 in Edmonton.
MINUTE = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


@pytest.fixture
def recorder():
    process_recorder.clear()
    yield process_recorder
    process_recorder.clear()


def at(moment: datetime, seconds: float = 0) -> float:
    """Unix time of `moment` plus some seconds, for Recorder.record(at=...)."""
    return moment.timestamp() + seconds
