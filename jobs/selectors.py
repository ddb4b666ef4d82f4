"""Reads: every scheduled job with its last run (the admin page), and which jobs are due (the embedded runner)."""

from dataclasses import dataclass
from datetime import datetime

from celery.schedules import schedule

from .models import JobRun
from .schedule import Job, jobs_scheduled


@dataclass(frozen=True)
class JobOverview:
    job: Job
    last_run: JobRun | None


def jobs_overview() -> list[JobOverview]:
    """Each job of settings.SHOP_JOBS with its latest run: one indexed query per job (a handful of jobs, while the
    runs table keeps weeks of runs)."""
    return [JobOverview(job=job, last_run=_last_run(job.name)) for job in jobs_scheduled()]


def _last_run(name: str) -> JobRun | None:
    return JobRun.objects.filter(job=name).select_related("triggered_by").order_by("-started_at", "-pk").first()


@dataclass(frozen=True)
class Due:
    jobs: list[Job]
    seconds_to_next: float  # until the first job that is not due now will be


def jobs_due(*, now: datetime, runner_started_at: datetime) -> Due:
    """The jobs to run now: those whose schedule says so since their last recorded run (whoever ran it). A job
    that never ran counts from the runner's start, as Celery beat does, except interval jobs, which run at once."""
    due, waits = [], []
    for job in jobs_scheduled():
        last = JobRun.objects.filter(job=job.name).order_by("-started_at").values_list("started_at", flat=True).first()
        if last is None and not isinstance(job.schedule, schedule):
            last = runner_started_at
        seconds = 0.0 if last is None else job.seconds_until_due(last_run_at=last, now=now)
        if seconds <= 0:
            due.append(job)
        else:
            waits.append(seconds)
    return Due(jobs=due, seconds_to_next=min(waits, default=60.0))
