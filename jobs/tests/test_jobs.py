"""Periodic jobs: the admin page (schedule, last run, outcome, Run now), the record of runs, one run at a time, the
embedded runner (manage.py run_jobs) and Celery beat going through the same recording task."""

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from jobs import selectors, services
from jobs.models import JobRun
from jobs.schedule import job_get
from jobs.tasks import job_run as job_run_task
from outbox.models import OutboxEmail
from outbox.tests.factories import OutboxEmailFactory, ago

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:jobs_jobrun_changelist")
EDMONTON = ZoneInfo("America/Edmonton")


def run_url(name: str) -> str:
    return reverse("admin:jobs_jobrun_run", args=[name])


def explode():
    """A job that fails, as a job whose mail server or card processor answers with an error would."""
    raise RuntimeError("the card processor said no")


def interrupted():
    """A job still running when the runner is stopped (Ctrl-C, or SIGTERM, which run_jobs turns into the same)."""
    raise KeyboardInterrupt


class _Rows(HTMLParser):
    """The text of each row of the "Scheduled jobs" table, cells joined by " | "."""

    def __init__(self):
        super().__init__()
        self.rows, self._cells, self._in_table, self._in_cell = [], None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("aria-labelledby", "scheduled-jobs") in attrs:
            self._in_table = True
        elif self._in_table and tag == "tr":
            self._cells = []
        elif self._in_table and tag in ("td", "th") and self._cells is not None:
            self._cells.append("")
            self._in_cell = True
        elif tag == "br" and self._in_cell:
            self._cells[-1] += " "

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("td", "th"):
            self._in_cell = False
        elif tag == "tr" and self._in_table and self._cells is not None:
            self.rows.append(" | ".join(" ".join(cell.split()) for cell in self._cells))
            self._cells = None

    def handle_data(self, data):
        if self._in_cell:
            self._cells[-1] += data


def scheduled_rows(response) -> list[str]:
    parser = _Rows()
    parser.feed(response.content.decode())
    return parser.rows


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def operator(db):
    """A staff member (not a superuser) who may see the jobs and run them."""
    user = get_user_model().objects.create_user("lea", "lea@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_jobrun", "run_job"]))
    return user


@pytest.fixture
def viewer(db):
    """A staff member who may see the jobs but not run them."""
    user = get_user_model().objects.create_user("marc", "marc@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_jobrun"))
    return user


def test_the_jobs_page_lists_every_scheduled_job_with_its_schedule_and_last_run(client, operator):
    JobRun.objects.create(job="payments-expire", trigger=JobRun.Trigger.RUNNER, status=JobRun.Status.OK,
                          started_at=datetime(2026, 11, 23, 9, 5, tzinfo=EDMONTON),
                          finished_at=datetime(2026, 11, 23, 9, 5, 1, 500000, tzinfo=EDMONTON), result="C-1001, C-1002")
    client.force_login(operator)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert scheduled_rows(response) == [
        "Job | Schedule | Last run | Duration | Result | Run",
        "Send pending emails (outbox sweep) outbox-sweep | every minute | Never | — | — | Run now",
        "Expire unpaid card orders payments-expire | every 5 minutes "
        "| Nov. 23, 2026, 9:05 a.m. (Job runner (manage.py run_jobs)) | 1.50 s | OK: C-1001, C-1002 | Run now",
        "Send pending card refunds refunds-send | every 10 minutes | Never | — | — | Run now",
        "Invoice reminders invoices-remind | every day at 9 a.m. | Never | — | — | Run now",
        "Monthly statements to business accounts statements-monthly | on day 1 of every month at 7 a.m. | Never | — "
        "| — | Run now",
        "Fill backorders, tell back-in-stock sign-ups backorders-fill | every 10 minutes | Never | — | — | Run now",
        "Send newsletters (scheduled ones, resume stopped sends) newsletters-send | every minute | Never | — | — "
        "| Run now",
        "Thank-you coupons after first orders coupons-thank-you | every 10 minutes | Never | — | — | Run now",
        "Customer scores (RFM, tiers, churn) customer-scores | every day at 2 a.m. | Never | — | — | Run now",
        "Cross-sell: products bought together cross-sell-pairs | every day at 2:30 a.m. | Never | — | — | Run now",
        "Roll up and delete old request metrics request-metrics-tidy | every day at 3:30 a.m. | Never | — | — "
        "| Run now",
        "Expire quotes past their validity date quotes-expire | every day at 12:30 a.m. | Never | — | — | Run now",
        "Reorder suggestions reorder-suggestions | every day at 1:30 a.m. | Never | — | — | Run now",
        "Low-stock alerts to the warehouse low-stock-alerts | every 10 minutes | Never | — | — | Run now",
        "Forget the API's expired idempotency keys api-idempotency-purge | every day at 4:15 a.m. | Never | — | — "
        "| Run now",
        "Remind customers of pickups not collected pickups-remind | every day at 9:30 a.m. | Never | — | — | Run now",
    ]


def test_staff_run_a_job_now_and_see_when_it_ran_and_how_it_ended(client, operator, mailoutbox):
    OutboxEmailFactory(created_at=ago(minutes=5))  # an email whose after-commit send never happened
    client.force_login(operator)

    response = client.post(run_url("outbox-sweep"), follow=True)

    [message] = messages_of(response)
    assert re.fullmatch(r"“Send pending emails \(outbox sweep\)” ran in \d+\.\d\d s: 1", message), message
    assert len(mailoutbox) == 1
    [run] = JobRun.objects.all()
    assert (run.job, run.trigger, run.triggered_by, run.status, run.result, run.error) == (
        "outbox-sweep", "admin", operator, "ok", "1", "")
    assert run.finished_at >= run.started_at
    row = scheduled_rows(response)[1]
    assert row.startswith("Send pending emails (outbox sweep) outbox-sweep | every minute | ")
    assert row.endswith(" (Run now, from the admin: lea) | "
                        f"{run.duration_seconds:.2f} s | OK: 1 | Run now"), row


def test_a_job_that_finds_nothing_to_do_says_so(client, operator):
    client.force_login(operator)

    response = client.post(run_url("backorders-fill"), follow=True)

    [message] = messages_of(response)
    assert re.fullmatch(r"“Fill backorders, tell back-in-stock sign-ups” ran in \d+\.\d\d s: nothing to do", message)
    assert JobRun.objects.get().status == "ok"


def test_a_failing_job_is_recorded_with_its_error_and_shown_failed(client, operator, settings):
    settings.SHOP_JOBS = {"explode": {"task": "jobs.tests.test_jobs.explode", "schedule": 60.0}}
    client.force_login(operator)

    response = client.post(run_url("explode"), follow=True)

    assert messages_of(response) == ["“explode” failed: RuntimeError: the card processor said no"]
    [run] = JobRun.objects.all()
    assert (run.status, run.error) == ("failed", "RuntimeError: the card processor said no")
    assert "in explode" in run.traceback
    assert scheduled_rows(response)[1].endswith(" | Failed: RuntimeError: the card processor said no | Run now")


def test_staff_without_the_run_permission_see_the_jobs_but_cannot_run_them(client, viewer):
    client.force_login(viewer)

    page = client.get(PAGE)
    refused = client.post(run_url("outbox-sweep"))

    assert page.status_code == 200
    assert scheduled_rows(page)[1] == "Send pending emails (outbox sweep) outbox-sweep | every minute | Never | — | —"
    assert run_url("outbox-sweep") not in page.content.decode()
    assert refused.status_code == 403
    assert not JobRun.objects.exists()


def test_run_now_only_answers_a_post_and_only_for_a_scheduled_job(client, operator):
    client.force_login(operator)

    assert client.get(run_url("outbox-sweep")).status_code == 405
    assert client.post(run_url("rm-rf")).status_code == 404
    assert not JobRun.objects.exists()


def test_a_job_already_running_is_not_started_twice(client, operator, mailoutbox):
    OutboxEmailFactory(created_at=ago(minutes=5))
    JobRun.objects.create(job="outbox-sweep", trigger=JobRun.Trigger.RUNNER, started_at=ago(minutes=1))
    client.force_login(operator)

    response = client.post(run_url("outbox-sweep"), follow=True)

    assert messages_of(response) == [
        "“Send pending emails (outbox sweep)” is already running; it was not started twice."]
    assert mailoutbox == []
    assert list(JobRun.objects.values_list("status", flat=True)) == ["running"]


def test_a_run_whose_runner_died_no_longer_blocks_its_job_after_the_lease():
    stuck = JobRun.objects.create(job="outbox-sweep", trigger=JobRun.Trigger.RUNNER,
                                  started_at=ago(minutes=31))

    run = services.job_run(job="outbox-sweep", trigger=JobRun.Trigger.RUNNER)

    assert run.status == "ok"
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", "The runner stopped before the job finished.")


def test_a_run_cut_short_by_stopping_the_runner_is_recorded_as_stopped_and_frees_its_job(settings):
    settings.SHOP_JOBS = {"long": {"task": "jobs.tests.test_jobs.interrupted", "schedule": 60.0}}

    with pytest.raises(KeyboardInterrupt):
        services.job_run(job="long", trigger=JobRun.Trigger.RUNNER)

    [run] = JobRun.objects.all()
    assert (run.status, run.error) == ("failed", "Stopped before the job finished.")
    assert not JobRun.objects.filter(status="running").exists()  # the next start is not refused


def test_runs_older_than_thirty_days_are_deleted_when_the_job_runs_again():
    JobRun.objects.create(job="outbox-sweep", trigger="runner", status="ok", started_at=ago(days=31),
                          finished_at=ago(days=31))
    recent = JobRun.objects.create(job="outbox-sweep", trigger="runner", status="ok", started_at=ago(days=29),
                                   finished_at=ago(days=29))
    other_job = JobRun.objects.create(job="customer-scores", trigger="beat", status="ok", started_at=ago(days=40),
                                      finished_at=ago(days=40))

    run = services.job_run(job="outbox-sweep", trigger=JobRun.Trigger.RUNNER)

    assert set(JobRun.objects.all()) == {run, recent, other_job}


def test_celery_beat_sends_every_job_through_the_recording_task(settings, mailoutbox):
    assert settings.CELERY_BEAT_SCHEDULE == {
        name: {**job, "task": "jobs.tasks.job_run", "args": (name,)} for name, job in settings.SHOP_JOBS.items()}
    assert set(settings.SHOP_JOBS) == {"outbox-sweep", "payments-expire", "refunds-send", "invoices-remind",
                                       "backorders-fill", "customer-scores", "request-metrics-tidy",
                                       "coupons-thank-you", "quotes-expire", "cross-sell-pairs", "newsletters-send",
                                       "reorder-suggestions", "low-stock-alerts", "pickups-remind",
                                       "api-idempotency-purge", "statements-monthly"}
    OutboxEmailFactory(created_at=ago(minutes=5))

    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    job_run_task.apply_async(entry["args"], **entry["options"]).get()

    assert len(mailoutbox) == 1
    run = JobRun.objects.get()
    assert (run.job, run.trigger, run.triggered_by, run.status, run.result) == ("outbox-sweep", "beat", None, "ok", "1")


def test_the_runner_runs_each_job_when_its_schedule_says_so(settings):
    settings.SHOP_JOBS = {
        "sweep": {"task": "outbox.tasks.outbox_sweep", "schedule": 60.0},
        "expire": {"task": "payments.tasks.payments_expire_unpaid", "schedule": 300.0},
        "nightly": {"task": "crm.tasks.customer_scores_nightly", "schedule": crontab(hour=2, minute=0)},
    }
    started = datetime(2026, 11, 23, 1, 50, tzinfo=EDMONTON)
    JobRun.objects.create(job="expire", trigger="runner", status="ok", started_at=started - timedelta(minutes=3))

    def due_at(hour, minute, second=0):
        due = selectors.jobs_due(now=datetime(2026, 11, 23, hour, minute, second, tzinfo=EDMONTON),
                                 runner_started_at=started)
        return [job.name for job in due.jobs], round(due.seconds_to_next)

    # The interval job that never ran goes at once; the nightly one waits for 2:00, counted from the start.
    assert due_at(1, 50) == (["sweep"], 120)
    assert due_at(1, 52) == (["sweep", "expire"], 480)
    JobRun.objects.create(job="sweep", trigger="runner", status="ok", started_at=started)
    assert due_at(1, 50, 59) == ([], 1)
    assert due_at(1, 59, 59) == (["sweep", "expire"], 1)
    assert due_at(2, 0, 1) == (["sweep", "expire", "nightly"], 60)
    # Once it ran at 2:00, the nightly job waits for the next night.
    JobRun.objects.create(job="nightly", trigger="runner", status="ok",
                          started_at=datetime(2026, 11, 23, 2, 0, tzinfo=EDMONTON))
    assert "nightly" not in due_at(23, 0)[0]


def test_run_jobs_once_runs_the_due_jobs_and_records_them(mailoutbox):
    OutboxEmailFactory(created_at=ago(minutes=5))

    call_command("run_jobs", "--once")

    assert OutboxEmail.objects.get().status == "sent"
    assert len(mailoutbox) == 1
    # Every interval job ran once; the daily ones wait for their hour.
    assert sorted(JobRun.objects.values_list("job", "trigger", "status")) == [
        ("backorders-fill", "runner", "ok"), ("coupons-thank-you", "runner", "ok"),
        ("low-stock-alerts", "runner", "ok"), ("newsletters-send", "runner", "ok"), ("outbox-sweep", "runner", "ok"),
        ("payments-expire", "runner", "ok"),
        ("refunds-send", "runner", "ok")]


def test_schedules_read_in_english_and_french():
    described = {name: job_get(name).every for name in ("outbox-sweep", "payments-expire", "customer-scores")}
    with translation.override("fr"):
        en_francais = {name: job_get(name).every for name in described}

    assert described == {"outbox-sweep": "every minute", "payments-expire": "every 5 minutes",
                         "customer-scores": "every day at 2 a.m."}
    assert en_francais == {"outbox-sweep": "toutes les minutes", "payments-expire": "toutes les 5 minutes",
                           "customer-scores": "tous les jours à 02:00"}



def test_the_jobs_page_reads_a_fixed_number_of_queries_however_many_runs_there_are(
    client, operator, django_assert_num_queries
):
    client.force_login(operator)
    for name in ("outbox-sweep", "payments-expire", "customer-scores"):
        for minutes in range(1, 6):
            JobRun.objects.create(job=name, trigger=JobRun.Trigger.ADMIN, triggered_by=operator, status="ok",
                                  started_at=ago(minutes=minutes), finished_at=ago(minutes=minutes))

    with django_assert_num_queries(10):  # the runs of every job in one query, however many jobs
        response = client.get(PAGE)

    assert len(response.context["cl"].result_list) == 15
    assert scheduled_rows(response)[1].endswith(" (Run now, from the admin: lea) | 0.00 s | OK | Run now")
