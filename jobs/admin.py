from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox.services import PUBLISH_ERRORS

from . import selectors, services, tasks
from .models import JobRun
from .schedule import LABELS, JobUnknown, job_get

RUN_PERMISSION = "jobs.run_job"


class JobFilter(admin.SimpleListFilter):
    title = gettext_lazy("job")
    parameter_name = "job"

    def lookups(self, request, model_admin):
        return [(name, str(LABELS.get(name, name))) for name in settings.SHOP_JOBS]

    def queryset(self, request, queryset):
        return queryset.filter(job=self.value()) if self.value() else queryset


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """The Periodic jobs page: every scheduled job with its schedule, last run and a "Run now" button (for staff
    with the "Can run a periodic job now" permission), above the history of runs. Runs are written by
    jobs.services only: read-only here."""

    list_display = ["job_label", "trigger", "triggered_by", "started_at", "duration", "status", "result", "error"]
    list_filter = [JobFilter, "status", "trigger", "started_at"]
    list_select_related = ["triggered_by"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("job"), ordering="job")
    def job_label(self, run: JobRun) -> str:
        return str(LABELS.get(run.job, run.job))

    @admin.display(description=gettext_lazy("duration"))
    def duration(self, run: JobRun) -> str:
        seconds = run.duration_seconds
        return "—" if seconds is None else _("%(seconds)s s") % {"seconds": f"{seconds:.2f}"}

    def get_urls(self):
        run_now = path("run/<str:name>/", self.admin_site.admin_view(self.run_view), name="jobs_jobrun_run")
        return [run_now, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": _("Periodic jobs"),
            "jobs": selectors.jobs_overview(),
            "can_run_jobs": request.user.has_perm(RUN_PERMISSION),
            "runner_is_celery": not settings.CELERY_TASK_ALWAYS_EAGER,
        }
        return super().changelist_view(request, extra_context)

    def run_view(self, request, name: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(RUN_PERMISSION):
            raise PermissionDenied
        try:
            job = job_get(name)
        except JobUnknown:
            raise Http404(name) from None
        back = HttpResponseRedirect(reverse("admin:jobs_jobrun_changelist"))
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            try:
                tasks.job_run.delay(job.name, trigger=JobRun.Trigger.ADMIN, user_id=request.user.pk)
            except PUBLISH_ERRORS:
                messages.error(request, _("“%(job)s” could not be sent to the workers: the task queue is "
                                          "unreachable. Try again in a moment.") % {"job": job.label})
            else:
                messages.info(request, _("“%(job)s” was sent to the workers; its run appears below once it starts.")
                              % {"job": job.label})
            return back
        run = services.job_run(job=job.name, trigger=JobRun.Trigger.ADMIN, user=request.user)
        if run is None:
            messages.warning(request, _("“%(job)s” is already running; it was not started twice.") % {"job": job.label})
        elif run.status == JobRun.Status.FAILED:
            messages.error(request, _("“%(job)s” failed: %(error)s") % {"job": job.label, "error": run.error})
        else:
            messages.success(request, _("“%(job)s” ran in %(seconds)s s: %(result)s") % {
                "job": job.label, "seconds": f"{run.duration_seconds:.2f}", "result": run.result or _("nothing to do")})
        return back
