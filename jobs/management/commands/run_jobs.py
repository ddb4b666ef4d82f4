import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from jobs import selectors, services
from jobs.models import JobRun
from jobs.schedule import jobs_scheduled

# Sleep at least this long between looks (a job skipped because it is running elsewhere stays due), at most this.
MIN_WAIT, MAX_WAIT = 0.5, 30.0


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of settings.SHOP_JOBS in this process, on their schedule, until Ctrl-C: the embedded "
        "stand-in for Celery beat and a worker when there is no broker (make run starts it beside the shop). Each "
        "run is recorded, as beat's are, and shown in the admin under Periodic jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs due now, then stop.")

    def handle(self, *args, once, **options):
        started_at = timezone.now()
        if not once:
            signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: the run in progress is recorded as stopped
            jobs = ", ".join(f"{job.name} ({job.every})" for job in jobs_scheduled())
            self.stdout.write(f"Periodic jobs: {jobs}. Ctrl-C to stop.")
        try:
            while True:
                try:
                    due = selectors.jobs_due(now=timezone.now(), runner_started_at=started_at)
                    for job in due.jobs:
                        self._run(job.name, verbosity=options["verbosity"])
                except DatabaseError as error:  # the database restarting must not end the runner
                    self.stderr.write(f"Periodic jobs: database error ({error}); trying again in {MAX_WAIT:.0f} s.")
                    if once:
                        raise
                    time.sleep(MAX_WAIT)
                else:
                    if once:
                        return
                    time.sleep(min(max(1.0 if due.jobs else due.seconds_to_next, MIN_WAIT), MAX_WAIT))
                close_old_connections()  # a long-lived process: renew the connection as CONN_MAX_AGE says
        except KeyboardInterrupt:
            self.stdout.write("Periodic jobs stopped.")

    def _run(self, name: str, *, verbosity: int) -> None:
        run = services.job_run(job=name, trigger=JobRun.Trigger.RUNNER)
        if run is None:
            if verbosity > 1:
                self.stdout.write(f"{name}: already running elsewhere, skipped")
        elif run.status == JobRun.Status.FAILED:
            self.stderr.write(f"{name}: failed after {run.duration_seconds:.1f} s: {run.error}")
        elif verbosity > 1 or run.result:  # quiet while there is nothing to do
            self.stdout.write(f"{name}: ok in {run.duration_seconds:.1f} s{': ' + run.result if run.result else ''}")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
