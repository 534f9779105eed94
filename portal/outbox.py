"""The transactional outbox: record events with the change, relay them to subscribers later.

Apps call :func:`outbox_record` inside the transaction that makes the change. Subscribers (the
connectors, notifications) register with :func:`subscribe`; the ``outbox_relay`` task hands each
pending event to them. A request never talks to Redis: the relay runs from beat every few seconds,
and in the embedded default (eager Celery, no broker) straight after the commit.
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .background import nudge
from .models import OutboxEvent

logger = logging.getLogger(__name__)

Subscriber = Callable[[OutboxEvent], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
ALL_TOPICS = "*"


def subscribe(topic: str = ALL_TOPICS) -> Callable[[Subscriber], Subscriber]:
    """Register a handler for one topic (or every topic). Handlers must be idempotent: an event
    whose handler failed is offered again to every handler on the next relay."""

    def register(handler: Subscriber) -> Subscriber:
        if handler not in _subscribers[topic]:
            _subscribers[topic].append(handler)
        return handler

    return register


def subscribers_for(topic: str) -> list[Subscriber]:
    return [*_subscribers[topic], *_subscribers[ALL_TOPICS]]


RELAY_TASK = "portal.tasks.outbox_relay"


def outbox_record(*, topic: str, payload: dict) -> OutboxEvent:
    """Record an event in the caller's transaction."""
    (event,) = outbox_record_many(topic=topic, payloads=[payload])
    return event


def outbox_record_many(*, topic: str, payloads: list[dict]) -> list[OutboxEvent]:
    """Record several events of one topic in the caller's transaction (one INSERT)."""
    if not payloads:
        return []
    events = OutboxEvent.objects.bulk_create(
        [OutboxEvent(topic=topic, payload=payload) for payload in payloads]
    )
    nudge(RELAY_TASK)
    return events


def outbox_relay_batch(*, limit: int = 200) -> int:
    """Hand up to ``limit`` pending events to their subscribers; returns how many were dispatched.

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` so two relays never hand out the same
    event; a subscriber failure leaves the event pending with its error recorded.
    """
    dispatched_ids: list[int] = []
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.pending().select_for_update(skip_locked=True).order_by("id")[:limit]
        )
        now = timezone.now()
        for event in events:
            try:
                with transaction.atomic():
                    for handler in subscribers_for(event.topic):
                        handler(event)
            except Exception as exc:
                logger.exception("outbox event %s failed", event.pk)
                event.attempts += 1
                event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                event.save(update_fields=["attempts", "last_error"])
                continue
            dispatched_ids.append(event.pk)
        # Every event handed out is marked in one statement (still inside the claim).
        OutboxEvent.objects.filter(pk__in=dispatched_ids).update(
            attempts=F("attempts") + 1, dispatched_at=now, last_error=""
        )
    return len(dispatched_ids)


def outbox_redispatch(*, event_ids: list[int]) -> int:
    """Offer events to their subscribers again (subscribers are idempotent); returns how many."""
    count = OutboxEvent.objects.filter(pk__in=event_ids).update(dispatched_at=None)
    nudge(RELAY_TASK)
    return count
