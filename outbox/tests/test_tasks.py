import pytest

from outbox.models import OutboxEmail
from outbox.tasks import outbox_send, outbox_sweep
from outbox.tests.factories import OutboxEmailFactory, ago

pytestmark = pytest.mark.django_db


def test_running_the_send_task_twice_sends_the_email_once(mailoutbox):
    email = OutboxEmailFactory()

    assert outbox_send.delay(email.pk).get() is True
    assert outbox_send.delay(email.pk).get() is False

    assert len(mailoutbox) == 1


def test_the_send_task_for_an_unknown_email_does_nothing(mailoutbox):
    assert outbox_send.delay(987654321).get() is False

    assert mailoutbox == []


def test_the_sweep_task_sends_what_is_due(mailoutbox):
    email = OutboxEmailFactory(created_at=ago(minutes=2))

    assert outbox_sweep.delay().get() == 1

    assert OutboxEmail.objects.get(pk=email.pk).status == "sent"


def test_the_beat_schedule_sweeps_the_outbox_every_minute(settings):
    assert settings.SHOP_JOBS["outbox-sweep"] == {  # run by Celery beat or manage.py run_jobs (jobs app)
        "task": "outbox.tasks.outbox_sweep", "schedule": 60.0, "options": {"expires": 55}}
