"""The reads behind adoption of shipped items. Each function is one set-based query (or one per
demand source), whatever the number of accounts, items or usage rows; ``adoption.py`` turns the
rows into rates, trends, barriers and recommendations.

"Requesters" are the accounts behind an item's demand signals: every source registered in
``roadmap.demand`` (votes, linked feedback), so a new kind of demand counts here too.
"""

import datetime as dt
import operator
from functools import reduce

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


def usage_by_account(*, keys, since: dt.date, until: dt.date) -> dict[int, dict]:
    """THE aggregate: per account that used any of ``keys`` in [since, until], its first and last
    day of use, days with use and events (one GROUP BY over the usage rows)."""
    rows = (
        _used(keys, since, until)
        .values("account_id")
        .annotate(first=Min("day"), last=Max("day"), days=Count("day", distinct=True))
        .annotate(events=Sum("events"))
        .order_by()
    )
    return {row.pop("account_id"): row for row in rows}


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


def accounts_for_adoption(*, item_id: int | None, scope: Q | None = None) -> list[dict]:
    """Every active account (the denominator) with what the breakdowns need and whether it asked
    for the item (one query)."""
    accounts = Account.objects.active()
    if scope is not None:
        accounts = accounts.filter(scope)
    if item_id is not None:
        accounts = accounts.annotate(requester=_requested(item_id))
    fields = [
        "id",
        "name",
        "tier",
        "segment",
        "health_band",
        "health_score",
        "arr",
        "csm_owner_id",
        "csm_owner__username",
        "csm_owner__first_name",
        "csm_owner__last_name",
    ]
    if item_id is not None:
        fields.append("requester")
    return list(accounts.order_by("name", "id").values(*fields))


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
