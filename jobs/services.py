"""Running a periodic job and recording the run, whoever asks: Celery beat (through jobs.tasks.job_run),
`manage.py run_jobs` (the embedded runner of `make run`) or a staff member's "Run now".

- One run of a job at a time: the run row is inserted as "running" under a unique index on (job) for running rows,
  so a second start (a beat tick while staff press "Run now", two runners) is refused instead of running alongside.
  Every job is idempotent (each claims or re-checks its rows), so an overlap would only waste work, never repeat
  it; the index keeps the record clear. A run whose runner died (killed, machine off) no longer blocks its job
  after RUN_LEASE.
- No transaction around the job: each job opens its own, and does its I/O (SMTP, Stripe) outside them.
- A failing job is recorded with its error and logged; it is not raised, so a runner carries on with the others.
"""

import logging
import time
import traceback
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JobRun
from .schedule import job_get

logger = logging.getLogger(__name__)

RUN_LEASE = timedelta(minutes=30)
# Runs of a job older than this are deleted when the job runs again (the latest run is always kept).
RUNS_KEPT = timedelta(days=30)


def job_run(*, job: str, trigger: str, user=None) -> JobRun | None:
    """Run the job named `job` in this process and record how it ended. None when it is already running."""
    spec = job_get(job)
    function = import_string(spec.task)
    run = _run_start(job=job, trigger=trigger, user=user)
    if run is None:
        logger.info("Job %s is already running; this start is skipped.", job)
        return None
    clock = time.monotonic()
    try:
        result = function()
    except Exception as error:
        logger.exception("Job %s failed.", job)
        _run_finish(run=run, clock=clock, status=JobRun.Status.FAILED, error=f"{type(error).__name__}: {error}",
                    trace=traceback.format_exc())
    except BaseException:  # Ctrl-C or SIGTERM while the job runs: the runner is stopping
        _run_finish(run=run, clock=clock, status=JobRun.Status.FAILED, error="Stopped before the job finished.")
        raise
    else:
        _run_finish(run=run, clock=clock, status=JobRun.Status.OK, result=_summary(result))
    return run


def _run_start(*, job: str, trigger: str, user) -> JobRun | None:
    now = timezone.now()
    JobRun.objects.filter(job=job, status=JobRun.Status.RUNNING, started_at__lt=now - RUN_LEASE).update(
        status=JobRun.Status.FAILED, finished_at=now, error="The runner stopped before the job finished.")
    JobRun.objects.filter(job=job, started_at__lt=now - RUNS_KEPT).delete()
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, trigger=trigger, triggered_by=user, started_at=now)
    except IntegrityError:  # another run of this job holds the "running" slot
        return None


def _run_finish(*, run: JobRun, clock: float, status: str, result: str = "", error: str = "", trace: str = "") -> None:
    # Wall-clock duration measured with a monotonic clock, so a clock change never gives a negative one.
    run.finished_at = run.started_at + timedelta(seconds=time.monotonic() - clock)
    run.status, run.result, run.error, run.traceback = status, result[:500], error[:500], trace
    JobRun.objects.filter(pk=run.pk).update(status=status, finished_at=run.finished_at, result=run.result,
                                            error=run.error, traceback=run.traceback)


def _summary(result) -> str:
    """What a job returned, for staff: the order numbers it expired, "filled: 2, notified: 1", a count; empty when
    it found nothing to do (None, 0, no orders, only zeros)."""
    if isinstance(result, dict):
        return ", ".join(f"{key}: {value}" for key, value in result.items()) if any(result.values()) else ""
    if isinstance(result, list | tuple | set):
        return ", ".join(str(item) for item in result)
    return "" if result in (None, 0, "") else str(result)
