"""Outbox subscribers: the roadmap tells us an item shipped."""

from portal.models import OutboxEvent

from .services import tickets_ship_for_item


def on_item_shipped(event: OutboxEvent) -> None:
    item_id = event.payload.get("item_id")
    if item_id:
        tickets_ship_for_item(item_id=item_id)
