"""Outbox subscriber: events on the outbound topics become Delivery rows (imported by the app's
``ready()`` so registration never depends on which modules happened to be imported)."""

from integrations.models import OUTBOUND_TOPICS
from portal.outbox import subscribe

from .deliveries import deliveries_create_for_event


def _make_handler(topic: str):
    @subscribe(topic)
    def handler(event) -> None:
        deliveries_create_for_event(event=event)

    handler.__name__ = f"deliver_{topic}"
    return handler


HANDLERS = [_make_handler(topic) for topic in OUTBOUND_TOPICS]
