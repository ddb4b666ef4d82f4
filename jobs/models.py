from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a periodic job (a name in settings.SHOP_JOBS), written by jobs.services.job_run whoever started
    it: Celery beat, `manage.py run_jobs` or a staff member's "Run now"."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("OK")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        BEAT = "beat", _("Celery beat")
        RUNNER = "runner", _("Job runner (manage.py run_jobs)")
        ADMIN = "admin", _("Run now, from the admin")

    job = models.CharField(_("job"), max_length=100)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_started")]
        constraints = [
            # One run of a job at a time: a second start fails on this index instead of running alongside.
            models.UniqueConstraint(fields=["job"], condition=models.Q(status="running"), name="jobrun_one_running"),
        ]
        permissions = [("run_job", _("Can run a periodic job now"))]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
