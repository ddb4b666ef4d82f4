"""Thin Celery tasks: fetch by id, call one service; running one twice never sends twice.

No Celery retries, on purpose: email_send records a failed SMTP attempt on the row (back to pending, attempts + 1,
next_attempt_at after an exponential back-off, failed after MAX_ATTEMPTS) and outbox_sweep, run every minute by
beat, tries again. The retry state lives in the database, so it survives a broker outage or a worker restart (a
retry message would be lost with them), and in eager mode a retry cannot loop inside the request.
"""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def outbox_send(email_id: int) -> bool:
    """Send one outbox email, unless it is already sent or another worker has it."""
    return services.email_send(email_id=email_id)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """The beat job: send what the after-commit tasks did not (broker down, SMTP down, worker died)."""
    return services.emails_sweep()
