"""Reads for the roadmap pages and API, each a fixed number of queries whatever the data size."""

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.fields.json import KT
from django.db.models.functions import RowNumber

from portal.models import Account

from .breakdown import money_short
from .cards import card_urls
from .choices import BOARD_STATUSES, OPEN_STATUSES
from .demand import demand_sources
from .models import RoadmapItem, ScoreSnapshot, Vote

# Cards per column at first and per "load more" (the board's first screen shows far fewer).
BOARD_COLUMN_SIZE = 20
# The order of a board column; the ``roadmap_board_order`` index serves it.
BOARD_ORDER = (F("rank").asc(nulls_last=True), F("score").desc(), F("id").asc())
TREND_POINTS = 12


def vote_signals() -> QuerySet:
    """The "vote" demand source: one signal per vote (level = expected health impact)."""
    return Vote.objects.annotate(level=F("expected_health_impact"), actor_id=F("rep_id"))


def items_for_lists() -> QuerySet:
    """Ranked items first (SQLite would sort unranked ones first), then by score."""
    return RoadmapItem.objects.select_related("owner").order_by(
        F("rank").asc(nulls_last=True), "-score", "id"
    )


def items_with_demand_from(queryset: QuerySet, accounts: QuerySet) -> QuerySet:
    """Items with a vote or linked feedback from one of ``accounts`` (any demand source)."""
    query = Q(pk__in=[])
    for source in demand_sources().values():
        query |= Q(pk__in=source().filter(account_id__in=accounts).values("item_id"))
    return queryset.filter(query)


def board_columns(
    queryset: QuerySet, *, limit: int = BOARD_COLUMN_SIZE, offsets=None, limits=None
) -> list:
    """The board: per status its top ``limit`` items (from an offset for "load more"; ``limits``
    widens single columns) and each column's total. Three queries whatever the number of items
    (cards, totals, trend lines)."""
    offsets = offsets or {}
    limits = limits or {}
    # Only what a card shows (no owner join, no description, not the whole breakdown): the
    # columns, and the SQL compiler's work for four UNION parts, stay small.
    cards = queryset.filter(status__in=BOARD_STATUSES).select_related(None).only(*CARD_FIELDS)
    # Only the breakdown's headline numbers: the card does not need the whole JSON document.
    cards = cards.annotate(**{f"b_{key}": KT(f"score_breakdown__{key}") for key in CARD_KEYS})
    if connection.features.supports_slicing_ordering_in_compound:
        # One LIMIT query per column, glued with UNION ALL: each reads its top cards from the
        # ``roadmap_board_order`` index, so the cost does not grow with the number of items.
        parts = [
            cards.filter(status=status).order_by(*BOARD_ORDER)[
                offsets.get(status, 0) : offsets.get(status, 0) + limits.get(status, limit)
            ]
            for status in BOARD_STATUSES
        ]
        items = list(parts[0].union(*parts[1:], all=True)) if parts else []
        items.sort(key=lambda i: (BOARD_STATUSES.index(i.status), _board_key(i)))
    else:  # SQLite (the embedded default): one window query over the board's items.
        numbered = cards.annotate(
            position=Window(RowNumber(), partition_by=[F("status")], order_by=list(BOARD_ORDER))
        )
        window = Q()
        for status in BOARD_STATUSES:
            start = offsets.get(status, 0)
            size = limits.get(status, limit)
            window |= Q(status=status, position__gt=start, position__lte=start + size)
        items = list(numbered.filter(window).order_by("position"))
    totals = dict(
        queryset.filter(status__in=BOARD_STATUSES)
        .order_by()
        .values("status")
        .annotate(n=Count("*"))  # an index-only scan of the status index
        .values_list("status", "n")
    )
    attach_trends(items)
    urls = card_urls()
    for item in items:
        item.facts = card_facts(item, urls=urls)
    columns = []
    for status in BOARD_STATUSES:
        cards = [i for i in items if i.status == status]
        shown = offsets.get(status, 0) + len(cards)
        columns.append(
            {
                "status": status,
                "label": status.label,
                "items": cards,
                "total": totals.get(status, 0),
                "shown": shown,
                "next_offset": shown if shown < totals.get(status, 0) else None,
                "open": status in OPEN_STATUSES,
            }
        )
    return columns


def _board_key(item) -> tuple:
    return (item.rank is None, item.rank or 0, -item.score, item.pk)


CARD_FIELDS = ("id", "title", "status", "product_area", "score", "rank")
CARD_KEYS = ("votes", "accounts", "total_arr", "consensus", "cs_reps", "consensus_threshold")


def card_facts(item: RoadmapItem, *, urls: dict[str, str] | None = None) -> dict:
    """What a board card shows, formatted once here (``urls``: :func:`roadmap.cards.card_urls`,
    reversed once per board)."""
    urls = urls or card_urls()
    votes, accounts = int(item.b_votes or 0), int(item.b_accounts or 0)
    # Strings, not numbers: the template engine localises every number it prints, which costs
    # more than the rest of a card.
    return {
        "pk": str(item.pk),
        "url": urls["detail"].format(item.pk),
        "move_url": urls["move"].format(item.pk),
        "rank": f"#{item.rank}" if item.rank else "",
        "score": f"{item.score:.2f}",
        "votes": f"{votes} vote{'' if votes == 1 else 's'}",
        "accounts": f"{accounts} account{'' if accounts == 1 else 's'}",
        "arr": money_short(float(item.b_total_arr or 0)),
        "scored": item.b_consensus is not None,
        "consensus": str(item.b_consensus).lower() in ("true", "1"),
        "reps": f"{item.b_cs_reps or 0} of {item.b_consensus_threshold or 0} CS reps",
    }


def attach_trends(items: list, *, points: int = TREND_POINTS) -> None:
    """Give each item ``trend``: its last ``points`` scores, oldest first (one query)."""
    if not items:
        return
    ids = [i.pk for i in items]
    if connection.vendor == "postgresql":
        # Each item's newest snapshots from the (item, -recorded_at) index, a LIMIT per item:
        # the cost follows the cards shown, not the size of the snapshot table.
        sql = (
            "SELECT ids.item_id, s.score FROM unnest(%s::bigint[]) AS ids(item_id) "  # noqa: S608
            "CROSS JOIN LATERAL (SELECT score, recorded_at, id "
            f"FROM {ScoreSnapshot._meta.db_table} WHERE item_id = ids.item_id "
            "ORDER BY recorded_at DESC, id DESC LIMIT %s) s "
            "ORDER BY ids.item_id, s.recorded_at, s.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids, points])
            rows = cursor.fetchall()
        _set_trends(items, rows)
        return
    rows = (
        ScoreSnapshot.objects.filter(item_id__in=ids)
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("item_id")],
                order_by=[F("recorded_at").desc(), F("id").desc()],
            )
        )
        .filter(n__lte=points)
        .values_list("item_id", "score")
        .order_by("item_id", "-n")
    )
    _set_trends(items, rows)


def _set_trends(items: list, rows) -> None:
    trends: dict[int, list[float]] = {}
    for item_id, score in rows:
        trends.setdefault(item_id, []).append(float(score))
    for item in items:
        item.trend = trends.get(item.pk, [])


def votes_for_item(item: RoadmapItem) -> QuerySet:
    return item.votes.select_related("account", "rep").order_by("-updated_at", "id")


def votes_of(user) -> QuerySet:
    return Vote.objects.for_lists().filter(rep=user).order_by("-updated_at", "id")


def vote_totals_of(user) -> dict:
    """``{"votes": n, "items": m}`` for the rep's "My votes" page."""
    return Vote.objects.filter(rep=user).aggregate(
        votes=Count("id"), items=Count("item", distinct=True)
    )


def product_areas() -> list[str]:
    """The product areas in use, for the filter bar. On PostgreSQL a skip scan of the
    ``roadmap_item_area`` index (one probe per distinct area), so the cost follows the number of
    areas, not of items."""
    if connection.vendor == "postgresql":
        table = RoadmapItem._meta.db_table
        sql = (
            "WITH RECURSIVE areas(area) AS ("  # noqa: S608 - our own table name
            f"SELECT MIN(product_area) FROM {table} WHERE product_area > '' "
            f"UNION ALL SELECT (SELECT MIN(product_area) FROM {table} "
            "WHERE product_area > areas.area) FROM areas WHERE areas.area IS NOT NULL"
            ") SELECT area FROM areas WHERE area IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]
    return list(
        RoadmapItem.objects.exclude(product_area="")
        .order_by("product_area")
        .values_list("product_area", flat=True)
        .distinct()
    )


def accounts_for_voting(user) -> QuerySet:
    """The accounts ``user`` may vote for: those they manage (any active one with the
    ``vote_any_account`` permission)."""
    accounts = Account.objects.active()
    if user.has_perm("roadmap.vote_any_account"):
        return accounts
    return accounts.filter(csm_owner=user)


def score_history(item: RoadmapItem, *, limit: int = 30, window: int = 500) -> list[ScoreSnapshot]:
    """The item's score changes, newest first: every recompute leaves a snapshot (the trend line
    uses them all), but a run that changed neither score nor rank is no news on the page."""
    recent = list(item.snapshots.order_by("-recorded_at", "-id")[:window])
    changes: list[ScoreSnapshot] = []
    for snapshot in reversed(recent):  # oldest first, keep each one that differs from the last
        if not changes or (snapshot.score, snapshot.rank) != (changes[-1].score, changes[-1].rank):
            changes.append(snapshot)
    return changes[::-1][:limit]
