"""The limits of a webhook event's envelope (make mutation showed them untested): the id and type fit their columns."""

import pytest

from payments.models import StripeEvent
from payments.tests.helpers import webhook_post

pytestmark = pytest.mark.django_db


def event(event_id, event_type):
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": {"id": "obj_1"}}}


@pytest.mark.parametrize("event_id, event_type, status", [
    ("e" * 255, "invoice.created", 200),
    ("e" * 256, "invoice.created", 400),
    ("evt_1", "t" * 100, 200),
    ("evt_1", "t" * 101, 400),
    ("", "invoice.created", 400),
])
def test_an_event_id_of_1_to_255_characters_and_a_type_of_up_to_100_are_accepted_and_nothing_longer(
    client, stripe_fake, event_id, event_type, status
):
    response = webhook_post(client, stripe_fake, event(event_id, event_type))

    assert response.status_code == status
    assert list(StripeEvent.objects.values_list("event_id", "type", "outcome")) == (
        [(event_id, event_type, "ignored")] if status == 200 else [])
