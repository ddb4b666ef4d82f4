"""The periodic jobs as settings.SHOP_JOBS declares them, and when each is due.

One schedule drives every runner: settings derives CELERY_BEAT_SCHEDULE from SHOP_JOBS (beat sends
jobs.tasks.job_run with the job's name), and `manage.py run_jobs` reads SHOP_JOBS directly.
"""

import copy
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from celery.schedules import BaseSchedule, crontab, schedule
from django.conf import settings
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# What staff see for each job of the standard schedule; a job added to SHOP_JOBS without a label shows its name.
LABELS = {
    "outbox-sweep": gettext_lazy("Send pending emails (outbox sweep)"),
    "payments-expire": gettext_lazy("Expire unpaid card orders"),
    "refunds-send": gettext_lazy("Send pending card refunds"),
    "invoices-remind": gettext_lazy("Invoice reminders"),
    "statements-monthly": gettext_lazy("Monthly statements to business accounts"),
    "backorders-fill": gettext_lazy("Fill backorders, tell back-in-stock sign-ups"),
    "customer-scores": gettext_lazy("Customer scores (RFM, tiers, churn)"),
    "request-metrics-tidy": gettext_lazy("Roll up and delete old request metrics"),
    "cross-sell-pairs": gettext_lazy("Cross-sell: products bought together"),
    "quotes-expire": gettext_lazy("Expire quotes past their validity date"),
    "pickups-remind": gettext_lazy("Remind customers of pickups not collected"),
    "coupons-thank-you": gettext_lazy("Thank-you coupons after first orders"),
    "newsletters-send": gettext_lazy("Send newsletters (scheduled ones, resume stopped sends)"),
    "reorder-suggestions": gettext_lazy("Reorder suggestions"),
    "low-stock-alerts": gettext_lazy("Low-stock alerts to the warehouse"),
    "api-idempotency-purge": gettext_lazy("Forget the API's expired idempotency keys"),
}


class JobUnknown(LookupError):
    pass


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of the Celery task (or plain function) that does the work
    schedule: BaseSchedule

    @property
    def label(self) -> str:
        return str(LABELS.get(self.name, self.name))

    @property
    def every(self) -> str:
        """The schedule in words: "every minute", "every 10 minutes", "every day at 2 a.m."."""
        return schedule_describe(self.schedule)

    def seconds_until_due(self, *, last_run_at: datetime, now: datetime) -> float:
        """Seconds from `now` until the job is due again after a run started at `last_run_at`; 0 or less: due."""
        at_now = copy.copy(self.schedule)
        at_now.nowfun = lambda: now
        return at_now.remaining_estimate(last_run_at).total_seconds()


def jobs_scheduled() -> list[Job]:
    return [Job(name=name, task=spec["task"], schedule=_celery_schedule(spec["schedule"]))
            for name, spec in settings.SHOP_JOBS.items()]


def job_get(name: str) -> Job:
    for job in jobs_scheduled():
        if job.name == name:
            return job
    raise JobUnknown(name)


def _celery_schedule(value) -> BaseSchedule:
    """SHOP_JOBS takes what CELERY_BEAT_SCHEDULE takes: seconds, a timedelta or a Celery schedule (crontab)."""
    if isinstance(value, BaseSchedule):
        return value
    return schedule(run_every=value if isinstance(value, timedelta) else timedelta(seconds=value))


def schedule_describe(value: BaseSchedule) -> str:
    if isinstance(value, schedule):
        seconds = value.run_every.total_seconds()
        if seconds >= 3600 and seconds % 3600 == 0:
            hours = int(seconds // 3600)
            return ngettext("every hour", "every %(count)d hours", hours) % {"count": hours}
        if seconds >= 60 and seconds % 60 == 0:
            minutes = int(seconds // 60)
            return ngettext("every minute", "every %(count)d minutes", minutes) % {"count": minutes}
        count = int(seconds) if seconds == int(seconds) else seconds
        return ngettext("every second", "every %(count)s seconds", count) % {"count": count}
    if isinstance(value, crontab) and _every_day(value) and len(value.hour) == len(value.minute) == 1:
        at = time(next(iter(value.hour)), next(iter(value.minute)))
        return _("every day at %(time)s") % {"time": time_format(at)}
    if (isinstance(value, crontab) and len(value.day_of_month) == 1 and len(value.month_of_year) == 12
            and len(value.day_of_week) == 7 and len(value.hour) == len(value.minute) == 1):
        at = time(next(iter(value.hour)), next(iter(value.minute)))
        return _("on day %(day)d of every month at %(time)s") % {"day": next(iter(value.day_of_month)),
                                                                 "time": time_format(at)}
    return str(value)


def _every_day(value: crontab) -> bool:
    return len(value.day_of_week) == 7 and len(value.day_of_month) == 31 and len(value.month_of_year) == 12
