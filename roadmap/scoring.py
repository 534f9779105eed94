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

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.background import nudge
from portal.outbox import outbox_record_many

from .breakdown import explain, item_demand, score_item
from .choices import OPEN_STATUSES
from .demand import SIGNAL_COLUMNS, demand_sources
from .models import RoadmapItem, ScoreSnapshot, ScoringPolicy, ScoringState

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


def signals_sql(policy: ScoringPolicy) -> tuple[str, list]:
    """Every registered demand source as one ``UNION ALL`` of (item_id, account_id, factor,
    is_vote, actor_id): the factor is the vote's health factor or, for every other kind, the
    impact factor of its level. Sources that can match nothing are left out."""
    health = policy.health_factors()
    impact = policy.impact_factors()
    parts, params = [], []
    for kind, source in sorted(demand_sources().items()):
        try:
            sql, source_params = source().order_by().values(*SIGNAL_COLUMNS).query.sql_with_params()
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


def demand_sql(policy: ScoringPolicy, *, top: int = TOP_ACCOUNTS) -> tuple[str, list]:
    """The aggregate behind a recompute: per open item its demand, accounts, total ARR, votes,
    other signals, distinct voting CS reps, and its ``top`` contributing accounts (one row each;
    items without demand return no row)."""
    union, params = signals_sql(policy)
    tiers = policy.tier_weights()
    # Only our own table names and compiled source SQL are interpolated; values are parameters.
    sql = f"""
    WITH signals AS ({union}),
    accounts AS (
        -- An account's weight without the signal factor: computed once per account, in floats.
        SELECT a.id, CAST(a.arr AS DOUBLE PRECISION) AS arr,
            (CASE a.tier WHEN 'enterprise' THEN %s WHEN 'mid_market' THEN %s ELSE %s END)
            * (1 + LN(1 + CAST(a.arr AS DOUBLE PRECISION) / %s) / LN(10)) AS weight
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
            p.factor * a.weight AS contribution
        FROM per_account p INNER JOIN accounts a ON a.id = p.account_id
    ),
    totals AS (
        SELECT w.item_id, SUM(w.contribution) AS demand, COUNT(*) AS accounts,
            SUM(w.arr) AS total_arr, SUM(w.n_votes) AS votes, SUM(w.n_other) AS other_signals,
            SUM(CASE WHEN w.n_votes > 0 THEN 1 ELSE 0 END) AS voting_accounts,
            COUNT(DISTINCT w.vote_rep) AS reps
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
        tot.voting_accounts, tot.reps
    FROM top t INNER JOIN totals tot ON tot.item_id = t.item_id
    INNER JOIN portal_account a ON a.id = t.account_id
    ORDER BY t.item_id, t.pos
    """  # noqa: S608
    params += [
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


def _fetch_demand(policy: ScoringPolicy) -> dict[int, dict]:
    sql, params = demand_sql(policy)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return item_demand(cursor.fetchall())


def _write_scores(rows: list[tuple[int, Decimal, int | None, dict]], now) -> None:
    """One bulk UPDATE of score, rank, breakdown and scored_at."""
    if not rows:
        return
    table = RoadmapItem._meta.db_table
    if connection.vendor == "postgresql":
        import json

        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS i SET score = v.score, rank = v.rank, "  # noqa: S608
                "score_breakdown = v.breakdown::jsonb, scored_at = %s "
                "FROM unnest(%s::bigint[], %s::numeric[], %s::integer[], %s::text[]) "
                "AS v(id, score, rank, breakdown) WHERE i.id = v.id",
                [
                    now,
                    [r[0] for r in rows],
                    [r[1] for r in rows],
                    [r[2] for r in rows],
                    [json.dumps(r[3]) for r in rows],
                ],
            )
        return
    objs = [
        RoadmapItem(pk=pk, score=score, rank=rank, score_breakdown=b, scored_at=now)
        for pk, score, rank, b in rows
    ]
    RoadmapItem.objects.bulk_update(objs, ["score", "rank", "score_breakdown", "scored_at"])


def _record_rank_events(changes: list[dict]) -> None:
    """``roadmap_priority_changed`` for each item whose rank moved (one bulk insert)."""
    if not changes:
        return
    outbox_record_many(topic="roadmap_priority_changed", payloads=changes)


@transaction.atomic
def priorities_recompute() -> RecomputeResult:
    """Recompute scores, ranks and breakdowns of every item; snapshot them; record rank changes.

    Queries: lock, policy, items, the aggregate, the update, the snapshots, the events and the
    state — the same whatever the data size."""
    started = time.monotonic()
    _lock()
    policy = ScoringPolicy.current()
    now = timezone.now()
    items = list(
        RoadmapItem.objects.filter(status__in=OPEN_STATUSES).values_list(
            "id", "title", "impact", "confidence", "effort", "rank", "score"
        )
    )
    closed_ranked = list(
        RoadmapItem.objects.exclude(status__in=OPEN_STATUSES)
        .filter(rank__isnull=False)
        .values_list("id", "title", "rank")
    )
    demand = _fetch_demand(policy)

    scored = []
    for pk, title, impact, confidence, effort, old_rank, _old in items:
        b = score_item(
            demand=demand.get(pk),
            impact=impact,
            confidence=confidence,
            effort=effort,
            policy=policy,
        )
        scored.append((pk, title, old_rank, b))
    scored.sort(key=lambda s: (-s[3]["score"], -s[3]["accounts"], s[0]))

    writes, snapshots, changes = [], [], []
    for position, (pk, title, old_rank, b) in enumerate(scored, start=1):
        b["explanation"] = explain(b, rank=position, open_items=len(scored))
        score = Decimal(str(b["score"])).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
        writes.append((pk, score, position, b))
        snapshots.append(
            ScoreSnapshot(
                item_id=pk,
                recorded_at=now,
                score=score,
                rank=position,
                demand=Decimal(str(b["demand"])).quantize(FOUR_PLACES),
                accounts=b["accounts"],
                policy_version=policy.version,
            )
        )
        if old_rank != position:
            changes.append(
                {
                    "item_id": pk,
                    "title": title,
                    "previous_rank": old_rank,
                    "rank": position,
                    "score": str(score),
                }
            )
    # Shipped and declined items keep their last score but leave the ranking.
    closed = RoadmapItem.objects.filter(pk__in=[c[0] for c in closed_ranked])
    if closed_ranked:
        closed.update(rank=None)
        changes += [
            {"item_id": pk, "title": title, "previous_rank": rank, "rank": None, "score": None}
            for pk, title, rank in closed_ranked
        ]

    _write_scores(writes, now)
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    _record_rank_events(changes)
    duration_ms = int((time.monotonic() - started) * 1000)
    ScoringState.objects.filter(pk=_state().pk).update(
        runs=F("runs") + 1,
        last_started_at=now,
        last_finished_at=timezone.now(),
        last_duration_ms=duration_ms,
        last_items=len(writes),
        last_rank_changes=len(changes),
        last_error="",
    )
    return RecomputeResult(
        items=len(writes),
        rank_changes=len(changes),
        duration_ms=duration_ms,
        policy_version=policy.version,
    )


# --- Coalescing -------------------------------------------------------------------------------


def _state() -> ScoringState:
    state, _ = ScoringState.objects.get_or_create(pk=1)
    return state


def priorities_mark_dirty() -> None:
    """Note that demand changed (one small UPDATE; a no-op while already dirty)."""
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


def priorities_recompute_if_dirty() -> RecomputeResult | None:
    if not priorities_claim_dirty():
        return None
    try:
        return priorities_recompute()
    except Exception as exc:
        # Put the flag back so the next beat tick tries again; record why it failed.
        priorities_mark_dirty()
        ScoringState.objects.filter(pk=1).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise


RECOMPUTE_DIRTY_TASK = "roadmap.tasks.priorities_recompute_dirty"


def priorities_request(*, cause: str, item_ids: Iterable[int] | None = None) -> None:
    """Ask for a recompute because demand or scoring inputs changed: the one path for every cause
    (an item edited or moved, the policy, a vote, feedback linked or re-rated, a CRM account's
    tier/ARR/health/CSM, a Jira status). ``item_ids`` names the items touched (``None``: possibly
    all of them, e.g. a policy or account change).

    Marks the scores dirty in the caller's transaction; the ``priorities-recompute-dirty`` beat
    entry (every 30 s) runs ONE recompute for the whole burst, and in the embedded default it runs
    right after the commit."""
    ids = None if item_ids is None else sorted({i for i in item_ids if i})
    if ids == []:
        return
    logger.debug("priorities requested (%s) for %s", cause, "all items" if ids is None else ids)
    priorities_mark_dirty()
    nudge(RECOMPUTE_DIRTY_TASK)
