"""Segment events the portal cannot count yet, and what ``group`` calls teach.

- **Group members**: a ``group`` call links its ``userId`` (or ``anonymousId``) to its ``groupId``;
  a later track of that user without a group counts for that account.
- **Held events**: a track whose account is unknown (no reference, or one that matches no
  account) is kept — Segment retries only 5xx, so a 400 would lose it — and counted once the
  account appears (``held_events_release``: after every webhook delivery and import page, and
  after a CRM page that created accounts). Bounded per connection (``held_max``, default 10,000:
  the oldest go first) and kept ``held_retention_days`` (default 14).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from integrations.models import AnalyticsGroupMember, Connection, ConnectionKind, HeldEvent
from portal.models import Account

HELD_MAX = 10_000
HELD_RETENTION_DAYS = 14


def held_limits(connection) -> tuple[int, int]:
    options = connection.settings if isinstance(connection.settings, dict) else {}
    return (
        int(options.get("held_max", HELD_MAX)),
        int(options.get("held_retention_days", HELD_RETENTION_DAYS)),
    )


def group_members_learn(*, connection, links: dict[str, str]) -> int:
    """Store ``user id → group id`` links (the newest wins). Returns how many."""
    if not links:
        return 0
    AnalyticsGroupMember.objects.bulk_create(
        [
            AnalyticsGroupMember(connection=connection, user_id=user[:200], group_id=group[:200])
            for user, group in links.items()
        ],
        update_conflicts=True,
        unique_fields=["connection", "user_id"],
        update_fields=["group_id", "updated_at"],
    )
    return len(links)


def group_of_users(*, connection, user_ids) -> dict[str, str]:
    user_ids = {u for u in user_ids if u}
    if not user_ids:
        return {}
    return dict(
        AnalyticsGroupMember.objects.filter(
            connection=connection, user_id__in=user_ids
        ).values_list("user_id", "group_id")
    )


def held_events_keep(*, connection, held: list[dict]) -> int:
    """Keep unmatched events (``message_id``, ``account_ref``, ``user_id``, ``event``,
    ``reason``, ``payload``); one per message. Prunes past the connection's limits. Returns how
    many are now kept for this connection."""
    if held:
        HeldEvent.objects.bulk_create(
            [
                HeldEvent(
                    connection=connection,
                    message_id=h["message_id"][:200],
                    account_ref=(h.get("account_ref") or "")[:200],
                    user_id=(h.get("user_id") or "")[:200],
                    event=(h.get("event") or "")[:120],
                    reason=h["reason"][:300],
                    payload=h["payload"],
                )
                for h in held
            ],
            ignore_conflicts=True,
        )
    return held_events_prune(connection=connection)


def held_events_prune(*, connection, now=None) -> int:
    """Drop held events past the retention, then the oldest past the cap. Returns the count
    left."""
    now = now or timezone.now()
    cap, days = held_limits(connection)
    mine = HeldEvent.objects.filter(connection=connection)
    mine.filter(received_at__lt=now - dt.timedelta(days=days)).delete()
    beyond = list(mine.order_by("-received_at", "-id").values_list("id", flat=True)[cap:])
    if beyond:
        HeldEvent.objects.filter(id__in=beyond).delete()
    return mine.count()


def held_events_matchable(*, connection) -> list[HeldEvent]:
    """Held events whose account is now known: by their reference, or by their user's group."""
    if not HeldEvent.objects.filter(connection=connection).exists():
        return []
    refs = HeldEvent.objects.filter(connection=connection).exclude(account_ref="")
    known_refs = Account.objects.filter(
        Q(analytics_id__in=refs.values("account_ref")) | Q(crm_id__in=refs.values("account_ref"))
    )
    known = set(known_refs.values_list("analytics_id", flat=True)) | set(
        known_refs.values_list("crm_id", flat=True)
    )
    members = AnalyticsGroupMember.objects.filter(
        connection=connection,
        user_id__in=HeldEvent.objects.filter(connection=connection, account_ref="").values(
            "user_id"
        ),
    )
    grouped_users = dict(members.values_list("user_id", "group_id"))
    grouped_known = Account.objects.filter(
        Q(analytics_id__in=grouped_users.values()) | Q(crm_id__in=grouped_users.values())
    )
    group_refs = set(grouped_known.values_list("analytics_id", flat=True)) | set(
        grouped_known.values_list("crm_id", flat=True)
    )
    users = {u for u, g in grouped_users.items() if g in group_refs}
    known.discard(None)
    if not known and not users:
        return []
    return list(
        HeldEvent.objects.filter(connection=connection)
        .filter(Q(account_ref__in=known) | Q(account_ref="", user_id__in=users))
        .order_by("received_at", "id")
    )


def held_events_forget(*, ids) -> int:
    return HeldEvent.objects.filter(id__in=list(ids)).delete()[0]


def analytics_connections() -> list[Connection]:
    return list(Connection.objects.enabled().filter(kind=ConnectionKind.ANALYTICS))
