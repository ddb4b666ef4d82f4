"""Reads of an order for its pages."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineStep:
    """One line of an order's timeline as its customer reads it."""

    created_at: datetime.datetime
    title: str
    detail: str = ""


def order_timeline(events) -> list[TimelineStep]:
    """The order's events (OrderEvent, oldest first) as the order page lists them. A line that moved the order is
    titled by the status it moved to, its note as detail ("Shipped (FedEx 1Z999)"). A line that left the status
    as it was (a return's steps, a parcel delivered, a reminder sent) is titled by its own words, its note
    ("Return requested: 1 × Stoneware Mug"), never by the status the order keeps ("Delivered")."""
    steps, status = [], None
    for event in events:
        if event.status == status and event.note:
            steps.append(TimelineStep(created_at=event.created_at, title=event.note))
        else:
            steps.append(TimelineStep(created_at=event.created_at, title=event.get_status_display(),
                                      detail=event.note))
        status = event.status
    return steps
