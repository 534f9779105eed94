"""Outbound deliveries: create one per (endpoint, outbox event), send with a claim, retry with
exponential backoff and jitter, dead-letter after the last attempt, redeliver on request."""

import datetime as dt
import logging
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations.models import Delivery, DeliveryStatus

from ..background import task_on_commit
from ..transport import TransportError, retry_after_seconds

logger = logging.getLogger(__name__)


def deliveries_create_for_event(*, event) -> list[Delivery]:
    """One Delivery per enabled endpoint subscribed to the event's topic (idempotent)."""
    from integrations.models import Connection

    created = []
    for connection in Connection.objects.outbound_for(event.topic):
        delivery, is_new = Delivery.objects.get_or_create(
            connection=connection, event=event, defaults={"topic": event.topic}
        )
        if is_new:
            created.append(delivery)
            task_on_commit("delivery_send", delivery.pk)
    return created


def backoff_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff with "equal jitter": half fixed, half random."""
    base = settings.CONNECTOR_DELIVERY_BACKOFF * (2 ** max(0, attempts - 1))
    capped = min(base, settings.CONNECTOR_DELIVERY_MAX_BACKOFF)
    return dt.timedelta(seconds=capped / 2 + random.uniform(0, capped / 2))


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.CONNECTOR_HTTP_TIMEOUT * 3)
    claimed = Delivery.objects.filter(pk=delivery_id).due(now).update(claimed_until=lease)
    if not claimed:
        return None
    return Delivery.objects.select_related("connection", "event").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send a due delivery once. ``None`` if it is not due or another worker holds it."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    connection, event = delivery.connection, delivery.event
    now = timezone.now()
    attempts = delivery.attempts + 1
    try:
        if not connection.enabled:
            raise TransportError(f"{connection.name} is disabled.", permanent=True)
        client_class = connection.connector.client
        if client_class is None:
            raise TransportError(f"{connection.name} sends nothing.", permanent=True)
        status = client_class.for_connection(connection).send_event(event)
    except TransportError as exc:
        dead = exc.permanent or attempts >= settings.CONNECTOR_DELIVERY_MAX_ATTEMPTS
        wait = backoff_delay(attempts)
        hinted = retry_after_seconds(getattr(exc, "retry_after", None))
        if hinted is not None:
            wait = max(wait, dt.timedelta(seconds=hinted))
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            claimed_until=None,
            last_status_code=exc.status,
            last_error=f"Attempt {attempts}: {exc}"[:2000],
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
            dead_lettered_at=now if dead else None,
            next_attempt_at=now if dead else now + wait,
        )
    else:
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            claimed_until=None,
            last_status_code=status,
            last_error="",
            status=DeliveryStatus.DELIVERED,
            delivered_at=now,
        )
    delivery.refresh_from_db()
    return delivery


def deliveries_dispatch_due(*, limit: int = 200) -> int:
    """Attempt every due delivery (oldest first, bounded); returns how many were attempted."""
    due = list(
        Delivery.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    attempted = 0
    for delivery_id in due:
        if delivery_attempt(delivery_id=delivery_id) is not None:
            attempted += 1
    return attempted


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, actor=None) -> Delivery:
    """Put a dead (or delivered) delivery back in the queue for a fresh series of attempts."""
    updated = Delivery.objects.filter(
        Q(status=DeliveryStatus.DEAD) | Q(status=DeliveryStatus.DELIVERED), pk=delivery.pk
    ).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
        dead_lettered_at=None,
    )
    if updated:
        logger.info("delivery %s redelivered by %s", delivery.pk, actor)
        task_on_commit("delivery_send", delivery.pk)
    delivery.refresh_from_db()
    return delivery
