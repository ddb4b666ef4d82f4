from datetime import datetime, timedelta

import factory
from django.utils import timezone

from outbox.models import OutboxEmail


class OutboxEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEmail

    to = factory.Sequence(lambda n: f"customer{n}@example.ca")
    reference = factory.Sequence(lambda n: f"C-{1001 + n}")
    subject = factory.LazyAttribute(lambda email: f"Order {email.reference} received")
    text_body = "Thank you for your order."


def ago(**delta: float) -> datetime:
    return timezone.now() - timedelta(**delta)
