"""Newsletter sending: 10,000 consenting recipients, a real `celery worker` (solo pool), Redis as the broker,
PostgreSQL, and a local SMTP server (aiosmtpd) that accepts and counts every message. Prints sends per second (from
"send now" until the SMTP server holds all 10,000) and the worker's peak memory (VmHWM: its resident set at most).

Run from the repository root (Postgres and Redis up; the database is created and migrated when missing):
    .venv/bin/python bench/newsletters.py [--recipients 10000] [--batch 100]

bench/run.py calls newsletters_report(report) (section "newsletters"): it runs this script in its own process and
passes each printed line to `report`.
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/comptoir_bench_newsletters"
BROKER_URL = os.environ.get("NEWSLETTER_BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
EMAIL_DOMAIN = "bench-newsletters.example"
TIMEOUT_S = 900


class CountingInbox:
    def __init__(self):
        self.count = 0
        self.recipients: set[str] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            self.count += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(recipients: int):
    """Migrate, then make sure `recipients` contacts with express newsletter consent exist; a new newsletter."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from crm.models import ConsentEvent, Contact, Segment
    from newsletters.models import Newsletter, NewsletterBlock

    existing = Contact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    if existing != recipients:
        Contact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        contacts = Contact.objects.bulk_create(
            [Contact(kind=Contact.Kind.CUSTOMER, name=f"Reader {i:05}", email=f"reader{i:05}@{EMAIL_DOMAIN}",
                     language="fr" if i % 3 == 0 else "en") for i in range(recipients)], batch_size=2000)
        now = timezone.now()
        ConsentEvent.objects.bulk_create(
            [ConsentEvent(contact=c, purpose="newsletter", action="give", basis="express", occurred_at=now,
                          source="bench", wording="Yes", wording_version="bench") for c in contacts],
            batch_size=2000)
    segment, _ = Segment.objects.get_or_create(name="Bench newsletter readers", purpose="newsletter")
    newsletter = Newsletter.objects.create(subject="Autumn at the shop", subject_fr="L'automne au comptoir",
                                           segment=segment)
    NewsletterBlock.objects.create(newsletter=newsletter, position=1, heading="New mugs", heading_fr="Tasses",
                                   text="Hand-thrown in Calgary.\n\nCome see them.",
                                   text_fr="Tournées à la main à Calgary.\n\nVenez les voir.")
    NewsletterBlock.objects.create(newsletter=newsletter, position=2, text="Open late on Thursdays.",
                                   text_fr="Ouvert tard le jeudi.")
    return newsletter


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench(report, *, url: str, recipients: int, batch: int) -> None:
    import django
    import redis
    from aiosmtpd.controller import Controller

    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "shop.settings", "DATABASE_URL": url, "CACHE_URL": "locmemcache://bench-news",
        "CELERY_BROKER_URL": BROKER_URL, "CELERY_TASK_ALWAYS_EAGER": "false", "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50), "SHOP_NEWSLETTER_BATCH": str(batch),
    })
    sys.path.insert(0, str(ROOT))
    from bench.crm import database_ensure

    database_ensure(url)
    django.setup()
    from newsletters.models import Newsletter
    from newsletters.services import sending
    from outbox.models import OutboxEmail

    report(f"Newsletter: {recipients:,} recipients, batches of {batch}, Celery worker (solo) + Redis + PostgreSQL, "
           "local SMTP server (aiosmtpd)")
    newsletter = prepare(recipients)
    inbox = CountingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with redis.Redis.from_url(BROKER_URL) as broker:
        broker.delete("celery")
    log = Path("/tmp") / f"bench-newsletters-worker-{uuid.uuid4().hex[:8]}.log"
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    with log.open("w") as output:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "shop", "worker", "--pool", "solo", "-c", "1", "-l",
             "warning", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"bench-newsletters-{uuid.uuid4().hex[:8]}@%h"],
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        time.sleep(3)  # the worker connects to Redis; a task sent before waits in the queue anyway
        if worker.poll() is not None:
            raise SystemExit(f"the worker did not start:\n{log.read_text()}")
        started = time.monotonic()
        sending.newsletter_start(newsletter=newsletter)
        deadline = started + TIMEOUT_S
        while inbox.count < recipients and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        peak = peak_rss_mib(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()
    newsletter.refresh_from_db()
    ours = OutboxEmail.objects.filter(reference=f"newsletter-{newsletter.pk}")
    report(f"  sent: {inbox.count:,} messages to {len(inbox.recipients):,} addresses in {elapsed:.1f} s "
           f"-> {inbox.count / elapsed:,.0f} sends/s")
    report(f"  worker peak memory (VmHWM): {peak:.0f} MiB")
    report(f"  newsletter status: {Newsletter.objects.get(pk=newsletter.pk).status}; outbox rows sent: "
           f"{ours.filter(status='sent').count():,} of {ours.count():,}")
    if inbox.count != recipients or len(inbox.recipients) != recipients:
        report("  NOT every recipient got exactly one message: see " + str(log))


def newsletters_report(report) -> None:
    """For bench/run.py: run this benchmark in its own process and pass each printed line to `report`."""
    env = {**os.environ, "DATABASE_URL": os.environ.get("NEWSLETTER_BENCH_DATABASE_URL", DATABASE_URL)}
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        report(line.rstrip("\n"))
    if process.wait() != 0:
        report(f"  bench/newsletters.py ended with exit status {process.returncode}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    bench(lambda text="": print(text, flush=True), url=url if url.startswith("postgres") else DATABASE_URL,
          recipients=args.recipients, batch=args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
