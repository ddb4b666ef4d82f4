"""Enqueue a Celery task by its name, so that a service never imports the task module that calls it back (the
tasks import the services; a service that imported its task would close a loop of imports).

Each app's AppConfig.ready() imports its tasks module, so the task is registered in every process (web, worker,
tests) before a service asks for it; a name that is not registered raises KeyError at once instead of sending a
message no worker knows. In eager mode (no broker) the task runs in place, as `.delay()` does."""

from celery import current_app


def task_enqueue(name: str, *args):
    """`.delay(*args)` on the task registered under `name`, e.g. "outbox.tasks.outbox_send"."""
    return current_app.tasks[name].delay(*args)
