"""The reads behind adoption of shipped items. Each function is one set-based query (or one per
demand source), whatever the number of accounts, items or usage rows; ``adoption.py`` turns the
rows into rates, trends, barriers and recommendations.

"Requesters" are the accounts behind an item's demand signals: every source registered in
``roadmap.demand`` (votes, linked feedback), so a new kind of demand counts here too.
"""

import datetime as dt
import operator
from functools import reduce

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate

from feedback.models import TicketAccount
from integrations.models import AdoptionMilestone, FeatureUsage
from portal.models import Account
from roadmap.choices import ItemStatus
from roadmap.demand import demand_sources
from roadmap.features import with_feature_keys
from roadmap.models import RoadmapItem, RoadmapItemFeature, Vote


def item_for_adoption(pk: int) -> RoadmapItem | None:
    """The item with its mapped keys and aha milestone (one query)."""
    return (
        with_feature_keys(RoadmapItem.objects.select_related("owner", "adoption_milestone"))
        .filter(pk=pk)
        .first()
    )


def milestone_of(item: RoadmapItem) -> AdoptionMilestone | None:
    """The aha milestone: from the item's ``select_related`` when loaded, else one query."""
    if "adoption_milestone" in item._state.fields_cache:
        return item._state.fields_cache["adoption_milestone"]
    return AdoptionMilestone.objects.filter(item=item).first()


def _used(keys, since: dt.date, until: dt.date) -> QuerySet:
    return FeatureUsage.objects.filter(
        feature__in=list(keys), day__gte=since, day__lte=until, events__gt=0
    )


def adoption_rows_sql(
    *, item_id: int, keys, since: dt.date, until: dt.date, scope: Q | None = None
) -> tuple[str, tuple]:
    """THE aggregate the report rests on, as SQL: every active account (the denominator), with
    whether it asked for the item, LEFT JOINed to the per-account GROUP BY of the usage of
    ``keys`` in [since, until] (first day, last day, days with use). Both halves are compiled by
    the ORM, so the statement runs on PostgreSQL and SQLite alike."""
    accounts = Account.objects.active()
    if scope is not None:
        accounts = accounts.filter(scope)
    accounts = (
        accounts.annotate(requester=_requested(item_id))
        .values_list(*ACCOUNT_COLUMNS, "requester")
        .order_by()
    )
    usage = (
        _used(keys, since, until)
        .values("account_id")
        .annotate(first_day=Min("day"), last_day=Max("day"), use_days=Count("day", distinct=True))
        .order_by()
    )
    a_sql, a_params = accounts.query.sql_with_params()
    u_sql, u_params = usage.query.sql_with_params()
    # Both parts are compiled by the ORM (values stay parameters): nothing user-typed is pasted.
    columns = "a.*, u.first_day, u.last_day, u.use_days"
    sql = f"SELECT {columns} FROM ({a_sql}) a LEFT JOIN ({u_sql}) u ON u.account_id = a.id"  # noqa: S608
    return sql, (*a_params, *u_params)


ACCOUNT_COLUMNS = ("id", "tier", "segment", "health_band", "health_score", "csm_owner_id")


def adoption_rows(**kwargs) -> list[tuple]:
    """The rows of :func:`adoption_rows_sql` (one query): ``(id, tier, segment, health_band,
    health_score, csm_owner_id, requester, first_day, last_day, use_days)``; dates as dates."""
    sql, params = adoption_rows_sql(**kwargs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # text dates and 0/1 booleans
        rows = [(*r[:6], bool(r[6]), _date(r[7]), _date(r[8]), r[9]) for r in rows]
    return rows


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def account_details(ids) -> dict[int, dict]:
    """Name, ARR, tier, segment, health and CSM of the given accounts (one query)."""
    fields = [
        "id",
        "name",
        "tier",
        "segment",
        "arr",
        "health_score",
        "health_band",
        "csm_owner_id",
        "csm_owner__username",
        "csm_owner__first_name",
        "csm_owner__last_name",
    ]
    rows = Account.objects.filter(pk__in=list(ids)).values(*fields)
    return {row["id"]: row for row in rows}


def aha_uses_by_account(*, keys, since: dt.date, until: dt.date, days: int) -> dict[int, int]:
    """Per adopter, the uses (events) within ``days`` days of its first use (one query)."""
    first = (
        _used(keys, since, until)
        .filter(account_id=OuterRef("account_id"))
        .order_by("day")
        .values("day")[:1]
    )
    rows = (
        _used(keys, since, until)
        .annotate(first=Subquery(first, output_field=DateField()))
        .filter(
            day__lt=ExpressionWrapper(
                F("first") + dt.timedelta(days=days), output_field=DateField()
            )
        )
        .values("account_id")
        .annotate(uses=Sum("events"))
        .order_by()
    )
    return {row["account_id"]: row["uses"] for row in rows}


def _requested(item_id):
    """Whether the account has a demand signal on the item (any registered source)."""
    asked = [
        Exists(source().filter(item_id=item_id, account_id=OuterRef("pk")))
        for source in demand_sources().values()
    ]
    if not asked:
        return Value(False)
    return ExpressionWrapper(reduce(operator.or_, asked), output_field=BooleanField())


def barrier_evidence(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[dict]]:
    """What each (item, account) pair said when asking: vote evidence and linked tickets (two
    queries, whatever the number of pairs)."""
    evidence: dict[tuple[int, int], list[dict]] = {}
    if not pairs:
        return evidence
    items = {i for i, _ in pairs}
    accounts = {a for _, a in pairs}
    votes = (
        Vote.objects.filter(item_id__in=items, account_id__in=accounts)
        .select_related("rep")
        .order_by("created_at", "id")
    )
    for vote in votes:
        key = (vote.item_id, vote.account_id)
        if key in pairs:
            evidence.setdefault(key, []).append(
                {
                    "kind": "vote",
                    "text": vote.evidence,
                    "by": str(vote.rep),
                    "on": vote.created_at.date().isoformat(),
                    "url": vote.get_absolute_url(),
                }
            )
    links = (
        TicketAccount.objects.filter(ticket__roadmap_item_id__in=items, account_id__in=accounts)
        .select_related("ticket")
        .order_by("created_at", "id")
    )
    for link in links:
        key = (link.ticket.roadmap_item_id, link.account_id)
        if key in pairs:
            ticket = link.ticket
            evidence.setdefault(key, []).append(
                {
                    "kind": "ticket",
                    "text": f"#{ticket.pk} {ticket.title}"
                    + (f" — {link.note}" if link.note else ""),
                    "by": "",
                    "on": link.created_at.date().isoformat(),
                    "url": ticket.get_absolute_url(),
                }
            )
    return evidence


def requested_shipped_pairs(
    *, shipped_since: dt.datetime, shipped_until: dt.datetime, csm=None, account=None
) -> list[dict]:
    """(item, account) pairs where the account asked for an item shipped in the range that maps
    features, with whether the account has used any of them since the ship day; one query per
    demand source. ``csm`` or ``account`` narrows the accounts."""
    items = RoadmapItem.objects.filter(
        status=ItemStatus.SHIPPED,
        shipped_at__gte=shipped_since,
        shipped_at__lte=shipped_until,
        features__isnull=False,
    ).values("pk")
    keys = RoadmapItemFeature.objects.filter(item_id=OuterRef(OuterRef("item_id"))).values(
        "feature_key"
    )
    shipped_day = Subquery(
        RoadmapItem.objects.filter(pk=OuterRef(OuterRef("item_id")))
        .annotate(day=TruncDate("shipped_at"))
        .values("day")[:1],
        output_field=DateField(),
    )
    used = FeatureUsage.objects.filter(
        account_id=OuterRef("account_id"), feature__in=keys, day__gte=shipped_day, events__gt=0
    )
    csm_of_account = Subquery(
        Account.objects.filter(pk=OuterRef("account_id")).values("csm_owner_id")[:1]
    )
    accounts = Account.objects.active()
    if csm is not None:
        accounts = accounts.filter(csm_owner=csm)
    if account is not None:
        accounts = accounts.filter(pk=account.pk)
    pairs: dict[tuple[int, int], dict] = {}
    for source in demand_sources().values():
        rows = source().filter(item_id__in=items, account_id__in=accounts.values("pk"))
        rows = rows.annotate(used=Exists(used), csm_id=csm_of_account).values(
            "item_id", "account_id", "used", "csm_id"
        )
        for row in rows.order_by():
            key = (row["item_id"], row["account_id"])
            pairs[key] = {**row, "used": row["used"] or pairs.get(key, {}).get("used", False)}
    return list(pairs.values())


def shipped_items_brief(ids) -> dict[int, dict]:
    """Title, ship time, CSM-facing URL and keys of the given items (one query)."""
    rows = with_feature_keys(RoadmapItem.objects.filter(pk__in=list(ids)))
    return {item.pk: item for item in rows}


def feature_keys_seen(*, limit: int = 500) -> list[dict]:
    """Every feature key in the usage data with its last day and the number of accounts that used
    it, most used first (one query, for the item form's suggestions and the sync page)."""
    rows = (
        FeatureUsage.objects.filter(events__gt=0)
        .values("feature")
        .annotate(accounts=Count("account_id", distinct=True), last=Max("day"))
        .order_by("-accounts", "feature")[:limit]
    )
    return list(rows)


def unclaimed_feature_keys(*, limit: int = 100) -> list[dict]:
    """Keys seen in usage data that no roadmap item claims (one query)."""
    claimed = RoadmapItemFeature.objects.filter(feature_key=OuterRef("feature"))
    rows = (
        FeatureUsage.objects.filter(events__gt=0)
        .values("feature")
        .annotate(accounts=Count("account_id", distinct=True), last=Max("day"))
        .filter(~Exists(claimed))
        .order_by("-accounts", "feature")[:limit]
    )
    return list(rows)


def account_names(ids) -> dict[int, dict]:
    """id → {id, name, arr, health_score} (one query)."""
    rows = Account.objects.filter(pk__in=list(ids)).values("id", "name", "arr", "health_score")
    return {row["id"]: row for row in rows}
