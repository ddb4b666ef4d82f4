"""Thin Celery task: Celery beat sends this for every job of settings.SHOP_JOBS (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services
from .models import JobRun


@shared_task(ignore_result=True)
def job_run(job: str, trigger: str = JobRun.Trigger.BEAT, user_id: int | None = None) -> int | None:
    """Run one periodic job and record the run; the job is idempotent, and a run already going is not doubled."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = services.job_run(job=job, trigger=trigger, user=user)
    return run.pk if run else None
