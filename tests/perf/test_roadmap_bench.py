"""Benchmark of the priority engine and the board on PostgreSQL (figures, not a timed test).

2,000 items, 5,000 accounts, 200,000 votes and 50,000 feedback tickets linked to items (real
``FeedbackTicket`` rows with their account, read through the feedback app's own demand source).
Run with ``make bench`` (DATABASE_URL=postgres://…).
"""

import os
import random
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.choices import Tier
from portal.models import Account
from roadmap import scoring
from roadmap.models import RoadmapItem, ScoringPolicy
from tests.factories import CsRepFactory

ITEMS, ACCOUNTS, VOTES, TICKETS, REPS = 2_000, 5_000, 200_000, 50_000, 40
REPEAT, BOARD_REQUESTS = 5, 40
STATUSES = ["under_consideration"] * 5 + ["planned"] * 2 + ["in_progress", "shipped"]
LEVELS = ["none", "low", "medium", "high"]
IMPACTS = ["blocker", "high", "medium", "low"]


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _build(rng: random.Random) -> dict:
    reps = [CsRepFactory(username=f"bench_rep{i}") for i in range(REPS)]
    Account.objects.bulk_create(
        [
            Account(
                name=f"Bench account {i:05d}",
                crm_id=f"BENCH-{i:05d}",
                tier=rng.choice(Tier.values),
                arr=Decimal(rng.randint(5_000, 2_000_000)),
                health_score=rng.randint(10, 99),
                segment=rng.choice(["saas", "retail", "fintech", "healthcare"]),
                csm_owner=reps[i % REPS],
            )
            for i in range(ACCOUNTS)
        ],
        batch_size=2_000,
    )
    RoadmapItem.objects.bulk_create(
        [
            RoadmapItem(
                title=f"Bench item {i:04d}",
                product_area=rng.choice(["analytics", "security", "core", "integrations"]),
                status=rng.choice(STATUSES),
                impact=Decimal(rng.choice(["0.5", "1", "1.5", "2"])),
                confidence=Decimal(rng.choice(["0.5", "0.8", "1"])),
                effort=Decimal(rng.choice(["1", "2", "3", "5"])),
            )
            for i in range(ITEMS)
        ],
        batch_size=2_000,
    )
    items = list(RoadmapItem.objects.values_list("id", flat=True))
    accounts = list(Account.objects.values_list("id", "csm_owner_id"))
    # Skewed demand, as on a real roadmap: a few items draw most of the votes.
    weights = [1 / (rank + 10) for rank in range(ITEMS)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < VOTES:
        for item in rng.choices(items, weights=weights, k=VOTES - len(pairs)):
            pairs.add((item, rng.randrange(ACCOUNTS)))
    now = timezone.now()
    _copy(
        "roadmap_vote",
        [
            "item_id",
            "account_id",
            "rep_id",
            "evidence",
            "expected_health_impact",
            "created_at",
            "updated_at",
        ],
        (
            (item, accounts[a][0], accounts[a][1], "bench evidence", rng.choice(LEVELS), now, now)
            for item, a in pairs
        ),
    )
    # Feedback tickets on items, each with its submitting account (as feedback_submit leaves it).
    linked = [
        (rng.choices(items, weights=weights)[0], rng.randrange(ACCOUNTS)) for _ in range(TICKETS)
    ]
    _copy(
        "feedback_feedbackticket",
        [
            "account_id",
            "submitter_id",
            "title",
            "description",
            "category",
            "impact",
            "source",
            "product_area",
            "customer_quote",
            "status",
            "declined_reason",
            "roadmap_item_id",
            "account_count",
            "created_at",
            "updated_at",
        ],
        (
            (
                accounts[a][0],
                accounts[a][1],
                f"Bench ticket {n:05d}",
                "bench",
                "feature_request",
                rng.choice(IMPACTS),
                "call",
                "",
                "",
                "triaged",
                "",
                item,
                1,
                now,
                now,
            )
            for n, (item, a) in enumerate(linked)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO feedback_ticketaccount (ticket_id, account_id, added_by_id, note, "
            "created_at) SELECT id, account_id, submitter_id, '', created_at "
            "FROM feedback_feedbackticket"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"reps": reps}


def _ms(samples):
    return statistics.median(samples) * 1000


def _p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_roadmap_benchmark(settings):
    # As in production: rank-change events wait in the outbox for the relay (not timed here).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    rng = random.Random(2026)
    started = time.perf_counter()
    built = _build(rng)
    build_s = time.perf_counter() - started
    first = time.perf_counter()
    result = scoring.priorities_recompute()
    first_s = time.perf_counter() - first

    # Recompute and floor alternate, so that load from other processes hits both alike.
    sql, params = scoring.demand_sql(ScoringPolicy.current())
    recompute, floor, queries = [], [], 0
    for _ in range(REPEAT):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            scoring.priorities_recompute()
        recompute.append(time.perf_counter() - t)
        queries = len(ctx.captured_queries)
        # The floor: PostgreSQL alone running the aggregate the engine is built on, with the
        # recompute's memory setting.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = %s", [scoring.RECOMPUTE_WORK_MEM])
            t = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            floor.append(time.perf_counter() - t)

    client = Client()
    client.force_login(built["reps"][0])
    client.get("/roadmap/")
    board, board_cpu = [], []
    for _ in range(BOARD_REQUESTS):
        t, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/roadmap/")
        board.append(time.perf_counter() - t)
        # CPU of the Django process alone: what the page costs whatever else runs.
        board_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200
    board_queries = len(ctx.captured_queries)

    ratio = statistics.median(recompute) / statistics.median(floor)
    print(
        f"\nroadmap benchmark: {ITEMS} items, {ACCOUNTS} accounts, {VOTES} votes, "
        f"{TICKETS} linked tickets (built in {build_s:.1f} s)\n"
        f"  recompute: first {first_s * 1000:.0f} ms ({result.items} open items, "
        f"{result.rank_changes} rank changes), median of {REPEAT} {_ms(recompute):.0f} ms, "
        f"{queries} queries\n"
        f"  floor (the aggregate alone in PostgreSQL): median {_ms(floor):.0f} ms\n"
        f"  ratio recompute / floor: {ratio:.2f}\n"
        f"  board /roadmap/: median {_ms(board):.1f} ms, p95 {_p95(board):.1f} ms over "
        f"{BOARD_REQUESTS} requests, {board_queries} queries; CPU in the Django process: "
        f"median {_ms(board_cpu):.1f} ms\n"
        f"  load average during the run: {os.getloadavg()[0]:.1f} (2 cores)"
    )
