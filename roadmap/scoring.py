"""The priority engine: success-weighted demand → score → rank, with a breakdown in words.

For each open item (the weights come from :class:`~roadmap.models.ScoringPolicy`):

- an account's weight = tier weight × (1 + log10(1 + ARR / ARR scale)) × signal factor, the signal
  factor being the vote's health factor (none 1.0 … high 1.5) or the linked feedback's impact
  factor (blocker 1.0 … low 0.25);
- demand = Σ over distinct accounts of the account's strongest signal (ten tickets count once);
- without votes from ``consensus_threshold`` distinct CS reps, demand × ``consensus_damping``;
- score = demand × impact × confidence ÷ effort; rank = order by score among open items.

Set-based: every registered demand source is compiled into ONE SQL statement that aggregates per
item and returns only the top contributing accounts, so a recompute costs the same few queries
whatever the number of items, votes and tickets; scores and ranks are written with one bulk
update. Everything runs in one transaction under a lock: a failure leaves the previous scores,
and two recomputes at once run one after the other.
"""

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, IntegerField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from portal.background import nudge
from portal.outbox import outbox_record_many
from portal.services import SCORE_INPUT_FIELDS

from .breakdown import explain, item_demand, score_item
from .choices import OPEN_STATUSES
from .demand import SIGNAL_COLUMNS, demand_sources
from .models import RoadmapItem, ScoreSnapshot, ScoringDirtyItem, ScoringPolicy, ScoringState

logger = logging.getLogger(__name__)

TOP_ACCOUNTS = 3
VOTE_KIND = "vote"
# Any constant works; it only has to be the same for every process (pg_advisory_xact_lock).
ADVISORY_LOCK_KEY = 0x524F41444D4150  # "ROADMAP"
FOUR_PLACES = Decimal("0.0001")


@dataclass
class RecomputeResult:
    items: int
    rank_changes: int
    duration_ms: int
    policy_version: int


# --- The SQL ----------------------------------------------------------------------------------


def _factor_case(factors: dict, default) -> tuple[str, list]:
    whens = " ".join("WHEN %s THEN %s" for _ in factors)
    params = [p for level, factor in factors.items() for p in (level, float(factor))]
    return f"CAST(CASE s.level {whens} ELSE %s END AS DOUBLE PRECISION)", [*params, float(default)]


def signals_sql(policy: ScoringPolicy, *, item_ids: list[int] | None = None) -> tuple[str, list]:
    """Every registered demand source as one ``UNION ALL`` of (item_id, account_id, factor,
    is_vote, actor_id): the factor is the vote's health factor or, for every other kind, the
    impact factor of its level. Sources that can match nothing are left out. With ``item_ids``
    each source is filtered to those items (an incremental recompute)."""
    health = policy.health_factors()
    impact = policy.impact_factors()
    parts, params = [], []
    for kind, source in sorted(demand_sources().items()):
        rows = source().order_by()
        if item_ids is not None:
            rows = rows.filter(item_id__in=item_ids)
        try:
            sql, source_params = rows.values(*SIGNAL_COLUMNS).query.sql_with_params()
        except EmptyResultSet:
            continue
        is_vote = kind == VOTE_KIND
        factor, factor_params = (
            _factor_case(health, health["none"]) if is_vote else _factor_case(impact, impact["low"])
        )
        columns = f"s.item_id, s.account_id, {factor} AS factor, {int(is_vote)} AS is_vote"
        parts.append(f"SELECT {columns}, s.actor_id FROM ({sql}) s")  # noqa: S608
        params += [*factor_params, *source_params]
    if not parts:
        # No source at all: an empty relation with the right columns.
        return (
            "SELECT 0 AS item_id, 0 AS account_id, CAST(0 AS DOUBLE PRECISION) AS factor, "
            "0 AS is_vote, 0 AS actor_id WHERE 1 = 0",
            [],
        )
    return " UNION ALL ".join(parts), params


def demand_sql(
    policy: ScoringPolicy, *, top: int = TOP_ACCOUNTS, item_ids: list[int] | None = None
) -> tuple[str, list]:
    """The aggregate behind a recompute: per open item its demand, accounts, total ARR, votes,
    other signals, distinct voting CS reps, and its ``top`` contributing accounts (one row each;
    items without demand return no row). ``item_ids`` limits it to those items."""
    union, params = signals_sql(policy, item_ids=item_ids)
    tiers = policy.tier_weights()
    # Only our own table names and compiled source SQL are interpolated; values are parameters.
    sql = f"""
    WITH signals AS ({union}),
    accounts AS (
        -- An account's weight without the signal factor: computed once per account, in floats.
        -- Unknown values are explicit: an unknown tier weighs as SMB (the lowest), an unknown
        -- ARR as 0; the flags carry them to the explanation.
        SELECT a.id, CAST(a.arr AS DOUBLE PRECISION) AS arr,
            (CASE WHEN a.tier IS NULL THEN %s
                  WHEN a.tier = 'enterprise' THEN %s WHEN a.tier = 'mid_market' THEN %s
                  ELSE %s END)
            * (1 + LN(1 + COALESCE(CAST(a.arr AS DOUBLE PRECISION), 0) / %s) / LN(10)) AS weight,
            CASE WHEN a.tier IS NULL THEN 1 ELSE 0 END AS tier_unknown,
            CASE WHEN a.arr IS NULL THEN 1 ELSE 0 END AS arr_unknown
        FROM portal_account a
    ),
    per_account AS (
        -- Each account's strongest signal on each open item (ten tickets count once).
        SELECT s.item_id, s.account_id, MAX(s.factor) AS factor,
            SUM(s.is_vote) AS n_votes, COUNT(*) - SUM(s.is_vote) AS n_other,
            MAX(CASE WHEN s.is_vote = 1 THEN s.actor_id END) AS vote_rep
        FROM signals s
        INNER JOIN {RoadmapItem._meta.db_table} i ON i.id = s.item_id AND i.status IN (%s, %s, %s)
        GROUP BY s.item_id, s.account_id
    ),
    weighted AS (
        SELECT p.item_id, p.account_id, p.n_votes, p.n_other, p.vote_rep, a.arr,
            a.tier_unknown, a.arr_unknown, p.factor * a.weight AS contribution
        FROM per_account p INNER JOIN accounts a ON a.id = p.account_id
    ),
    totals AS (
        SELECT w.item_id, SUM(w.contribution) AS demand, COUNT(*) AS accounts,
            SUM(w.arr) AS total_arr, SUM(w.n_votes) AS votes, SUM(w.n_other) AS other_signals,
            SUM(CASE WHEN w.n_votes > 0 THEN 1 ELSE 0 END) AS voting_accounts,
            COUNT(DISTINCT w.vote_rep) AS reps,
            SUM(w.tier_unknown) AS tier_unknown, SUM(w.arr_unknown) AS arr_unknown
        FROM weighted w GROUP BY w.item_id
    ),
    top AS (
        SELECT * FROM (
            SELECT w.item_id, w.account_id, w.arr, w.n_votes, w.n_other, w.contribution,
                ROW_NUMBER() OVER (PARTITION BY w.item_id
                                   ORDER BY w.contribution DESC, w.account_id) AS pos
            FROM weighted w
        ) numbered WHERE numbered.pos <= %s
    )
    SELECT t.item_id, t.account_id, a.name, a.tier, t.arr, t.n_votes, t.n_other, t.contribution,
        tot.demand, tot.accounts, tot.total_arr, tot.votes, tot.other_signals,
        tot.voting_accounts, tot.reps, tot.tier_unknown, tot.arr_unknown
    FROM top t INNER JOIN totals tot ON tot.item_id = t.item_id
    INNER JOIN portal_account a ON a.id = t.account_id
    ORDER BY t.item_id, t.pos
    """  # noqa: S608
    params += [
        float(tiers["smb"]),
        float(tiers["enterprise"]),
        float(tiers["mid_market"]),
        float(tiers["smb"]),
        float(policy.arr_scale),
        *[str(s) for s in OPEN_STATUSES],
        top,
    ]
    return sql, params


# --- The recompute ----------------------------------------------------------------------------


# The aggregate sorts a few hundred thousand narrow rows; enough memory keeps them off disk.
RECOMPUTE_WORK_MEM = "64MB"


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            cursor.execute("SELECT set_config('work_mem', %s, true)", [RECOMPUTE_WORK_MEM])
    # SQLite: transactions start IMMEDIATE (settings), so writers already run one at a time.


FETCH_CHUNK = 5000


def _fetch_demand(policy: ScoringPolicy, item_ids: list[int] | None = None) -> dict[int, dict]:
    sql, params = demand_sql(policy, item_ids=item_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Grouped as the rows arrive: the aggregate's tuples are never all in memory at once.
        return item_demand(
            row for chunk in iter(lambda: cursor.fetchmany(FETCH_CHUNK), []) for row in chunk
        )


def _quantized(value) -> Decimal:
    return Decimal(str(value)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _rank_key(score: Decimal, accounts: int, pk: int) -> tuple:
    """The order of the board: score, then the number of accounts asking, then age. Ranks come
    from the stored (quantized) score, so a full and an incremental run agree exactly."""
    return (-score, -accounts, pk)


WRITE_CHUNK = 2000


def _update_items(rows: list[tuple], now, *, ranks_only: bool = False) -> None:
    """Bulk UPDATEs: (id, score, rank, breakdown) rows, or (id, rank) with ``ranks_only``.
    ``scored_at`` is when the item's score, rank or breakdown last changed."""
    if not rows:
        return
    table = RoadmapItem._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if ranks_only:
                cursor.execute(
                    f"UPDATE {table} AS i SET rank = v.rank "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, rank) WHERE i.id = v.id",
                    [[r[0] for r in rows], [r[1] for r in rows]],
                )
                return
            # Only rows whose score, rank or breakdown changed are written (a nightly run over
            # a quiet catalogue writes next to nothing), in chunks so that the JSON of every
            # breakdown is never held in memory at once. Each chunk is one JSON document: one
            # string to escape (in libpq), where an array of JSON texts would be escaped element
            # by element in Python.
            for start in range(0, len(rows), WRITE_CHUNK):
                document = json.dumps(
                    [
                        {"id": pk, "score": str(score), "rank": rank, "breakdown": b}
                        for pk, score, rank, b in rows[start : start + WRITE_CHUNK]
                    ]
                )
                cursor.execute(
                    f"UPDATE {table} AS i SET score = v.score, rank = v.rank, "  # noqa: S608
                    "score_breakdown = v.breakdown, scored_at = %s "
                    "FROM jsonb_to_recordset(%s::jsonb) "
                    "AS v(id bigint, score numeric, rank integer, breakdown jsonb) "
                    "WHERE i.id = v.id AND (i.score, i.rank, i.score_breakdown) IS DISTINCT FROM "
                    "(v.score, v.rank, v.breakdown)",
                    [now, document],
                )
                del document
        return
    if ranks_only:
        objs = [RoadmapItem(pk=pk, rank=rank) for pk, rank in rows]
        RoadmapItem.objects.bulk_update(objs, ["rank"], batch_size=500)
        return
    objs = [
        RoadmapItem(pk=pk, score=score, rank=rank, score_breakdown=b, scored_at=now)
        for pk, score, rank, b in rows
    ]
    RoadmapItem.objects.bulk_update(
        objs, ["score", "rank", "score_breakdown", "scored_at"], batch_size=500
    )


def _record_rank_events(changes: list[dict]) -> None:
    """``roadmap_priority_changed`` for each item whose rank moved (one bulk insert)."""
    if not changes:
        return
    outbox_record_many(topic="roadmap_priority_changed", payloads=changes)


def _score(items, demand, policy) -> dict[int, tuple]:
    """``{id: (title, old_rank, score, breakdown)}`` for rows of (id, title, impact, confidence,
    effort, rank) and the demand the aggregate returned."""
    scored = {}
    for pk, title, impact, confidence, effort, old_rank in items:
        b = score_item(
            demand=demand.get(pk),
            impact=impact,
            confidence=confidence,
            effort=effort,
            policy=policy,
        )
        b["explanation"] = explain(b)
        scored[pk] = (title, old_rank, _quantized(b["score"]), b)
    return scored


def _change(pk, title, old_rank, rank, score) -> dict:
    return {
        "item_id": pk,
        "title": title,
        "previous_rank": old_rank,
        "rank": rank,
        "score": None if score is None else str(score),
    }


def _snapshot(pk, now, score, rank, b, policy) -> ScoreSnapshot:
    return ScoreSnapshot(
        item_id=pk,
        recorded_at=now,
        score=score,
        rank=rank,
        demand=_quantized(b.get("demand", 0)),
        accounts=b.get("accounts", 0),
        policy_version=policy.version,
    )


def _finish(*, started, now, items: int, changes: int, policy) -> RecomputeResult:
    duration_ms = int((time.monotonic() - started) * 1000)
    ScoringState.objects.filter(pk=_state().pk).update(
        runs=F("runs") + 1,
        last_started_at=now,
        last_finished_at=timezone.now(),
        last_duration_ms=duration_ms,
        last_items=items,
        last_rank_changes=changes,
        last_error="",
    )
    return RecomputeResult(
        items=items, rank_changes=changes, duration_ms=duration_ms, policy_version=policy.version
    )


ITEM_INPUTS = ("id", "title", "impact", "confidence", "effort", "rank")


@transaction.atomic
def priorities_recompute() -> RecomputeResult:
    """Recompute scores, ranks and breakdowns of every item; snapshot them; record rank changes.

    Queries: lock, policy, items, the aggregate, the update, the snapshots, the events and the
    state — the same whatever the data size. Items waiting for an incremental run are covered."""
    started = time.monotonic()
    _lock()
    policy = ScoringPolicy.current()
    now = timezone.now()
    ScoringDirtyItem.objects.all().delete()
    items = list(RoadmapItem.objects.filter(status__in=OPEN_STATUSES).values_list(*ITEM_INPUTS))
    closed_ranked = list(
        RoadmapItem.objects.exclude(status__in=OPEN_STATUSES)
        .filter(rank__isnull=False)
        .values_list("id", "title", "rank")
    )
    scored = _score(items, _fetch_demand(policy), policy)
    order = sorted(scored, key=lambda pk: _rank_key(scored[pk][2], scored[pk][3]["accounts"], pk))

    writes, changes = [], []
    for position, pk in enumerate(order, start=1):
        title, old_rank, score, b = scored[pk]
        writes.append((pk, score, position, b))
        if old_rank != position:
            changes.append(_change(pk, title, old_rank, position, score))
    # Shipped and declined items keep their last score but leave the ranking.
    if closed_ranked:
        RoadmapItem.objects.filter(pk__in=[c[0] for c in closed_ranked]).update(rank=None)
        changes += [_change(pk, title, rank, None, None) for pk, title, rank in closed_ranked]

    _update_items(writes, now)
    _snapshot_all(writes, now, policy)
    _record_rank_events(changes)
    return _finish(started=started, now=now, items=len(writes), changes=len(changes), policy=policy)


def _snapshot_all(writes: list[tuple], now, policy) -> None:
    """Every open item's snapshot (the trend lines). On PostgreSQL one ``INSERT … SELECT`` from
    the rows just written (demand and accounts from the stored breakdown, rounded as
    :func:`_snapshot` does); elsewhere built and inserted a chunk at a time."""
    if connection.vendor == "postgresql":
        table = RoadmapItem._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ScoreSnapshot._meta.db_table} "  # noqa: S608
                "(item_id, recorded_at, score, rank, demand, accounts, policy_version) "
                "SELECT i.id, %s, i.score, i.rank, "
                "ROUND(COALESCE((i.score_breakdown ->> 'demand')::numeric, 0), 4), "
                "COALESCE((i.score_breakdown ->> 'accounts')::integer, 0), %s "
                f"FROM {table} i WHERE i.id = ANY(%s::bigint[])",
                [now, policy.version, [w[0] for w in writes]],
            )
        return
    for start in range(0, len(writes), WRITE_CHUNK):
        ScoreSnapshot.objects.bulk_create(
            [
                _snapshot(pk, now, score, position, b, policy)
                for pk, score, position, b in writes[start : start + WRITE_CHUNK]
            ]
        )


@transaction.atomic
def priorities_recompute_items(item_ids: Iterable[int]) -> RecomputeResult:
    """Re-score only ``item_ids`` (their demand from the same aggregate, limited to them), then
    re-rank every open item from the stored scores. Gives exactly the scores and ranks a full
    :func:`priorities_recompute` would (``tests/roadmap/test_incremental.py`` compares them).

    Snapshots and ``roadmap_priority_changed`` events only for what changed. On PostgreSQL the
    re-rank is one window ``UPDATE`` that writes and returns only the ranks that moved, so the
    rest of the catalogue never reaches Python."""
    started = time.monotonic()
    _lock()
    policy = ScoringPolicy.current()
    now = timezone.now()
    ids = sorted(set(item_ids))
    touched = list(
        RoadmapItem.objects.filter(pk__in=ids, status__in=OPEN_STATUSES).values_list(
            *ITEM_INPUTS, "score"
        )
    )
    old_scores = {row[0]: row[-1] for row in touched}
    scored = _score([row[:-1] for row in touched], _fetch_demand(policy, ids), policy)
    if connection.vendor == "postgresql":
        return _rerank_in_sql(scored, old_scores, started=started, now=now, policy=policy)
    # Everything else that is ranked or open, with what is stored.
    others = (
        RoadmapItem.objects.exclude(pk__in=list(scored))
        .filter(Q(status__in=OPEN_STATUSES) | Q(rank__isnull=False))
        .annotate(n_accounts=Cast(KT("score_breakdown__accounts"), IntegerField()))
        .values_list("id", "title", "rank", "score", "n_accounts", "status")
    )
    ranked = [(pk, score, b["accounts"]) for pk, (_t, _r, score, b) in scored.items()]
    titles = {pk: (t, r) for pk, (t, r, _s, _b) in scored.items()}
    leaving = []
    for pk, title, rank, score, n_accounts, status in others:
        titles[pk] = (title, rank)
        if status in OPEN_STATUSES:
            ranked.append((pk, score, n_accounts or 0))
        else:
            leaving.append(pk)
    ranked.sort(key=lambda r: _rank_key(r[1], r[2], r[0]))

    writes, rank_writes, snapshots, changes = [], [], [], []
    for position, (pk, score, _n) in enumerate(ranked, start=1):
        title, old_rank = titles[pk]
        if pk in scored:
            b = scored[pk][3]
            writes.append((pk, score, position, b))
            if old_rank != position or old_scores[pk] != score:
                snapshots.append(_snapshot(pk, now, score, position, b, policy))
        elif old_rank != position:
            rank_writes.append((pk, position))
        if old_rank != position:
            changes.append(_change(pk, title, old_rank, position, score))
    for pk in leaving:
        rank_writes.append((pk, None))
        changes.append(_change(pk, titles[pk][0], titles[pk][1], None, None))

    _update_items(writes, now)
    _update_items(rank_writes, now, ranks_only=True)
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    _record_rank_events(changes)
    return _finish(started=started, now=now, items=len(writes), changes=len(changes), policy=policy)


def _rerank_sql() -> tuple[str, list]:
    """Rank every open item from its stored score and account count (the order of
    :func:`_rank_key`), un-rank closed items; write only what moved, returning (id, title, old
    rank, new rank, score) for each."""
    table = RoadmapItem._meta.db_table
    statuses = [str(s) for s in OPEN_STATUSES]
    marks = ", ".join(["%s"] * len(statuses))
    sql = f"""
    WITH ranked AS (
        SELECT id, ROW_NUMBER() OVER (
            ORDER BY score DESC,
                COALESCE((score_breakdown ->> 'accounts')::integer, 0) DESC, id
        ) AS new_rank
        FROM {table} WHERE status IN ({marks})
    ),
    target AS (
        SELECT i.id, r.new_rank FROM {table} i LEFT JOIN ranked r ON r.id = i.id
        WHERE (i.status IN ({marks}) OR i.rank IS NOT NULL)
            AND i.rank IS DISTINCT FROM r.new_rank
    )
    UPDATE {table} AS i SET rank = t.new_rank
    FROM target t, {table} AS old
    WHERE i.id = t.id AND old.id = t.id
    RETURNING i.id, i.title, old.rank, i.rank, i.score
    """  # noqa: S608 - our own table name; values are parameters
    return sql, [*statuses, *statuses]


def _rerank_in_sql(scored, old_scores, *, started, now, policy) -> RecomputeResult:
    # The touched items' new scores first (ranks as stored), then the one re-rank statement.
    _update_items([(pk, s, r, b) for pk, (_t, r, s, b) in scored.items()], now)
    sql, params = _rerank_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        moved = cursor.fetchall()
    changes, new_ranks = [], {}
    for pk, title, old_rank, rank, score in moved:
        new_ranks[pk] = rank
        changes.append(_change(pk, title, old_rank, rank, None if rank is None else score))
    snapshots = []
    for pk, (_title, old_rank, score, b) in scored.items():
        rank = new_ranks.get(pk, old_rank)
        if rank != old_rank or old_scores[pk] != score:
            snapshots.append(_snapshot(pk, now, score, rank, b, policy))
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    _record_rank_events(sorted(changes, key=lambda c: (c["rank"] is None, c["rank"] or 0)))
    return _finish(started=started, now=now, items=len(scored), changes=len(changes), policy=policy)


# --- Coalescing -------------------------------------------------------------------------------


def _state() -> ScoringState:
    state, _ = ScoringState.objects.get_or_create(pk=1)
    return state


def priorities_mark_dirty() -> None:
    """Note that every item may need re-scoring (one small UPDATE; a no-op while already
    dirty)."""
    updated = ScoringState.objects.filter(pk=1, dirty_since__isnull=True).update(
        dirty_since=timezone.now()
    )
    if not updated:
        ScoringState.objects.get_or_create(pk=1, defaults={"dirty_since": timezone.now()})


def priorities_claim_dirty() -> bool:
    """Clear the dirty flag if set; True when this caller should recompute (a conditional
    UPDATE, so of two workers only one claims a given burst)."""
    return bool(
        ScoringState.objects.filter(pk=1, dirty_since__isnull=False).update(dirty_since=None)
    )


def priorities_pending() -> bool:
    """Whether a recompute is waiting (all items, or some)."""
    return (
        ScoringState.objects.filter(pk=1, dirty_since__isnull=False).exists()
        or ScoringDirtyItem.objects.exists()
    )


@transaction.atomic
def _recompute_dirty_items() -> RecomputeResult | None:
    _lock()  # taken first, so the rows read below are not claimed by another run
    ids = list(ScoringDirtyItem.objects.values_list("item_id", flat=True))
    if not ids:
        return None
    ScoringDirtyItem.objects.filter(item_id__in=ids).delete()
    return priorities_recompute_items(ids)


def priorities_recompute_if_dirty() -> RecomputeResult | None:
    """Run what was requested since the last run: a full recompute if all items were asked for,
    else the incremental one over the items waiting; ``None`` when nothing was."""
    if priorities_claim_dirty():
        try:
            return priorities_recompute()
        except Exception as exc:
            # Put the flag back so the next beat tick tries again; record why it failed.
            priorities_mark_dirty()
            ScoringState.objects.filter(pk=1).update(
                last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            raise
    try:
        return _recompute_dirty_items()
    except Exception as exc:
        # The claimed rows came back with the rollback; record why it failed.
        ScoringState.objects.filter(pk=1).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise


RECOMPUTE_DIRTY_TASK = "roadmap.tasks.priorities_recompute_dirty"


def on_account_edited(sender, *, account, changed: set[str], **kwargs) -> None:
    """An account changed by hand (``portal.services.account_edited``): a full recompute when a
    demand input (tier, ARR, health, CSM) changed, as for a CRM sync."""
    if changed & SCORE_INPUT_FIELDS:
        priorities_request(cause="account edited", item_ids=None)


def priorities_request(*, cause: str, item_ids: Iterable[int] | None = None) -> None:
    """Ask for a recompute because demand or scoring inputs changed: the one path for every cause
    (an item edited or moved, the policy, a vote, feedback linked or re-rated, a CRM account's
    tier/ARR/health/CSM, a Jira status). ``item_ids`` names the items touched: the next run
    re-scores just those and re-ranks the rest; ``None`` (a policy or account change) asks for a
    full recompute.

    Recorded in the caller's transaction; the ``priorities-recompute-dirty`` beat entry (every
    30 s) runs ONE recompute for the whole burst, and in the embedded default it runs right after
    the commit."""
    ids = None if item_ids is None else sorted({i for i in item_ids if i})
    if ids == []:
        return
    logger.debug("priorities requested (%s) for %s", cause, "all items" if ids is None else ids)
    if ids is None:
        priorities_mark_dirty()
    else:
        ScoringDirtyItem.objects.bulk_create(
            [ScoringDirtyItem(item_id=i) for i in ids], ignore_conflicts=True
        )
    nudge(RECOMPUTE_DIRTY_TASK)
