"""Reads: every scheduled job with its last run (the admin page), and which jobs are due (the embedded runner)."""

from dataclasses import dataclass
from datetime import datetime

from celery.schedules import schedule
from django.db.models import OuterRef, Subquery

from .models import JobRun
from .schedule import Job, jobs_scheduled


@dataclass(frozen=True)
class JobOverview:
    job: Job
    last_run: JobRun | None


def jobs_overview() -> list[JobOverview]:
    """Each job of settings.SHOP_JOBS with its latest run, in one query whatever the number of jobs (each job's
    latest run found through the (job, started_at) index, while the runs table keeps weeks of runs)."""
    jobs = jobs_scheduled()
    latest = JobRun.objects.filter(job=OuterRef("job")).order_by("-started_at", "-pk").values("pk")[:1]
    runs = {run.job: run for run in JobRun.objects.filter(job__in=[job.name for job in jobs], pk=Subquery(latest))
            .select_related("triggered_by")}
    return [JobOverview(job=job, last_run=runs.get(job.name)) for job in jobs]


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
