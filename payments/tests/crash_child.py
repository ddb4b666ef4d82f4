"""Run in a fresh process (multiprocessing "spawn"): a payment worker killed just before its transaction commits.
No Django import at module level: the child sets up Django itself, against the test database."""

import os


def handle_then_die(*, database_url: str, event: dict) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings_test")
    import django

    django.setup()
    import payments.services.card as card

    def killed(**kwargs):
        os._exit(9)  # like SIGKILL: no cleanup, no commit; Postgres rolls the transaction back

    card.order_transition = killed
    card.stripe_event_handle(event=event)
    os._exit(0)  # not reached
