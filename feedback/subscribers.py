"""Outbox subscribers: shipped items and tickets lead to close-the-loop emails."""

from portal.models import OutboxEvent

from .services import shipped_notify_on_commit, tickets_ship_for_item


def on_item_shipped(event: OutboxEvent) -> None:
    """A roadmap item shipped: its open tickets ship and their people are told."""
    item_id = event.payload.get("item_id")
    if item_id:
        tickets_ship_for_item(item_id=item_id)


def on_feedback_shipped(event: OutboxEvent) -> None:
    """A PM shipped tickets by hand: queue their close-the-loop emails."""
    shipped_notify_on_commit(list(event.payload.get("ticket_ids") or []))
