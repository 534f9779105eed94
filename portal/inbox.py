"""The inbox: outbox events as they concern each user, the in-portal side of the e-mail notices.

The core knows no app. Each app registers, in its ``AppConfig.ready()``, who an event of a topic it
owns concerns and what to tell them::

    register_inbox_audience("item_shipped", item_shipped_audience)
    # item_shipped_audience(event) -> [(user_id, "Shipped: SSO for everyone", "/roadmap/items/7/")]

One subscriber on every topic (``on_outbox_event``) calls :func:`inbox_deliver`, the only writer
of ``InboxEntry``. Delivery is idempotent (one entry per user and event), so an event the relay
offers again changes nothing. Each user's unread count is recounted in the same transaction and
kept on the user row, so the header shows it without a query of its own.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import InboxEntry, OutboxEvent, User

Audience = Callable[[OutboxEvent], Iterable[tuple[int, str, str]]]
_audiences: dict[str, list[Audience]] = defaultdict(list)
TEXT_MAX = 300


def register_inbox_audience(topic: str, audience: Audience) -> None:
    """``audience(event)`` returns ``(user_id, text, url)`` for each user the event concerns."""
    if audience not in _audiences[topic]:
        _audiences[topic].append(audience)


def audiences_for(topic: str) -> list[Audience]:
    return list(_audiences.get(topic, []))


def on_outbox_event(event: OutboxEvent) -> None:
    """The outbox subscriber (every topic)."""
    inbox_deliver(event=event)


@transaction.atomic
def inbox_deliver(*, event: OutboxEvent) -> int:
    """Write one entry per concerned user (the first audience naming a user wins); returns how
    many users the event concerns."""
    rows: dict[int, tuple[str, str]] = {}
    for audience in audiences_for(event.topic):
        for user_id, text, url in audience(event):
            rows.setdefault(user_id, (text, url))
    if not rows:
        return 0
    InboxEntry.objects.bulk_create(
        [
            InboxEntry(
                user_id=user_id,
                event=event,
                topic=event.topic,
                text=text[:TEXT_MAX],
                url=url or "",
                created_at=event.created_at or timezone.now(),
            )
            for user_id, (text, url) in rows.items()
        ],
        ignore_conflicts=True,
    )
    _recount(list(rows))
    return len(rows)


def _recount(user_ids: list[int]) -> None:
    unread = (
        InboxEntry.objects.unread()
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    User.objects.filter(pk__in=user_ids).update(inbox_unread=Coalesce(Subquery(unread), Value(0)))


@transaction.atomic
def inbox_mark_read(*, entry: InboxEntry, actor) -> InboxEntry:
    """Mark one of the actor's own entries read (marking it again changes nothing)."""
    if entry.user_id != actor.pk:
        raise PermissionDenied("This inbox entry is someone else's.")
    now = timezone.now()
    InboxEntry.objects.filter(pk=entry.pk, read_at__isnull=True).update(read_at=now)
    entry.read_at = entry.read_at or now
    _recount([actor.pk])
    actor.refresh_from_db(fields=["inbox_unread"])
    return entry


@transaction.atomic
def inbox_mark_all_read(*, actor) -> int:
    """Mark every unread entry of the actor read; returns how many were unread."""
    changed = InboxEntry.objects.unread().filter(user=actor).update(read_at=timezone.now())
    _recount([actor.pk])
    actor.refresh_from_db(fields=["inbox_unread"])
    return changed


@transaction.atomic
def home_visit_record(*, user) -> dt.datetime | None:
    """Note that the user opened the home page now; returns when they did so before."""
    previous = user.home_seen_at
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(home_seen_at=now)
    user.home_seen_at = now
    return previous
