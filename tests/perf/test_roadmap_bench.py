"""Benchmark of the priority engine and the board on PostgreSQL (figures, not a timed test).

The standard size is 2,000 items, 5,000 accounts, 200,000 votes and 50,000 feedback tickets linked
to items (real ``FeedbackTicket`` rows with their account, read through the feedback app's own
demand source). ``BENCH_SCALES`` multiplies every count, one run per scale in the same session,
and a table of each figure against size closes the run::

    make bench PYTEST_ARGS=tests/perf/test_roadmap_bench.py                  # ×1
    BENCH_SCALES=1,5 make bench PYTEST_ARGS=tests/perf/test_roadmap_bench.py  # ×1 then ×5

(DATABASE_URL=postgres://…).
"""

import os
import random
import statistics
import subprocess
import sys
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
from roadmap.services import vote_cast
from tests.factories import CsRepFactory

BASE = {"items": 2_000, "accounts": 5_000, "votes": 200_000, "tickets": 50_000}
REPS = 40
SCALES = [float(s) for s in os.environ.get("BENCH_SCALES", "1").replace(" ", "").split(",") if s]
RESULTS: dict[int, dict] = {}
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


def sizes(scale: float) -> tuple[int, int, int, int]:
    """Items, accounts, votes and linked tickets at ``scale`` × the standard size."""
    return tuple(int(BASE[k] * scale) for k in BASE)


def _build(rng: random.Random, scale: float) -> dict:
    ITEMS, ACCOUNTS, VOTES, TICKETS = sizes(scale)
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
            "joined, created_at) SELECT id, account_id, submitter_id, '', false, created_at "
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


def _worker_peak_rss_mb() -> float:
    """Max RSS of a fresh process that runs one full recompute (what a worker needs).

    Read before the commit and rolled back: the commit would nudge the outbox relay, which this
    process (no broker: eager Celery) would then run in-process over every rank-change event the
    benchmark's earlier recomputes left pending — a worker runs the relay as a task of its own.

    The peak is the process's own ``VmHWM``, not ``getrusage``'s ``ru_maxrss``: Linux carries
    ``ru_maxrss`` across ``execve``, and Python starts the child with ``vfork``, so that figure
    was the benchmark's own (pytest holding the data it built), not the worker's."""
    code = (
        "import django; django.setup(); from django.db import transaction; "
        "from roadmap import scoring\n"
        "with transaction.atomic():\n"
        "    scoring.priorities_recompute()\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "    print(hwm.split()[1])\n"
        "    transaction.set_rollback(True)"
    )
    # As a worker runs in production: DEBUG off (with it on, Django keeps every statement's
    # text, and the bulk UPDATE's is the size of every breakdown).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.update(DEBUG="false", ALLOWED_HOSTS=env.get("ALLOWED_HOSTS", "localhost"))
    name = connection.settings_dict["NAME"]
    base = env["DATABASE_URL"].rsplit("/", 1)[0]
    env["DATABASE_URL"] = f"{base}/{name}"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def _time_pages(client, path: str, n: int):
    samples, cpu_samples = [], []
    client.get(path)
    for _ in range(n):
        t, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        samples.append(time.perf_counter() - t)
        cpu_samples.append(time.process_time() - cpu)
        assert response.status_code == 200
    return samples, cpu_samples, len(ctx.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scale", SCALES)
def test_roadmap_benchmark(settings, scale):
    # As in production: rank-change events wait in the outbox for the relay (not timed here).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    rng = random.Random(2026)
    started = time.perf_counter()
    built = _build(rng, scale)
    build_s = time.perf_counter() - started
    items_n, accounts_n, votes_n, tickets_n = sizes(scale)
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

    # One vote, re-scored and re-ranked by the incremental run (worker time).
    rep = built["reps"][0]
    open_items = list(
        RoadmapItem.objects.filter(status="under_consideration").values_list("id", flat=True)
    )
    mine = list(Account.objects.filter(csm_owner=rep).values_list("id", flat=True))
    one_vote = []
    for n in range(REPEAT * 2):
        item = RoadmapItem.objects.get(pk=open_items[(n * 37) % len(open_items)])
        account = Account.objects.get(pk=mine[n % len(mine)])
        vote_cast(
            item=item, account=account, rep=rep, evidence="bench", expected_health_impact="high"
        )
        t = time.perf_counter()
        incremental = scoring.priorities_recompute_if_dirty()
        one_vote.append(time.perf_counter() - t)
        assert incremental is not None and incremental.items == 1

    # What autovacuum does within a minute of the first recompute rewriting every item row (it
    # is over the default threshold): the board's counts then come from an index-only scan.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {RoadmapItem._meta.db_table}")
    client = Client()
    client.force_login(rep)
    board, board_cpu, board_queries = _time_pages(client, "/roadmap/", BOARD_REQUESTS)
    trivial, _cpu, _q = _time_pages(client, "/password/change/", BOARD_REQUESTS)
    rss = _worker_peak_rss_mb()

    ratio = statistics.median(recompute) / statistics.median(floor)
    RESULTS[scale] = {
        "items": items_n,
        "votes": votes_n,
        "recompute_ms": _ms(recompute),
        "floor_ms": _ms(floor),
        "ratio": ratio,
        "one_vote_ms": _ms(one_vote),
        "board_ms": _ms(board),
        "board_p95_ms": _p95(board),
        "board_queries": board_queries,
        "trivial_ms": _ms(trivial),
        "rss_mb": rss,
    }
    print(
        f"\nroadmap benchmark ×{scale:g}: {items_n} items, {accounts_n} accounts, {votes_n} votes, "
        f"{tickets_n} linked tickets (built in {build_s:.1f} s)\n"
        f"  recompute: first {first_s * 1000:.0f} ms ({result.items} open items, "
        f"{result.rank_changes} rank changes), median of {REPEAT} {_ms(recompute):.0f} ms, "
        f"{queries} queries; worker peak RSS {rss:.0f} MB\n"
        f"  floor (the aggregate alone in PostgreSQL): median {_ms(floor):.0f} ms\n"
        f"  ratio recompute / floor: {ratio:.2f}\n"
        f"  one vote, incremental re-score and re-rank: median {_ms(one_vote):.0f} ms, "
        f"max {max(one_vote) * 1000:.0f} ms over {len(one_vote)} votes\n"
        f"  board /roadmap/: median {_ms(board):.1f} ms, p95 {_p95(board):.1f} ms over "
        f"{BOARD_REQUESTS} requests, {board_queries} queries; CPU in the Django process: "
        f"median {_ms(board_cpu):.1f} ms; a trivial logged-in page: {_ms(trivial):.1f} ms\n"
        f"  load average during the run: {os.getloadavg()[0]:.1f} (2 cores)"
    )
    if len(RESULTS) == len(SCALES) and len(SCALES) > 1:
        _print_table()


def _print_table() -> None:
    keys = [
        ("items", "items"),
        ("votes", "votes"),
        ("recompute_ms", "full recompute (ms)"),
        ("floor_ms", "its floor (ms)"),
        ("ratio", "ratio"),
        ("one_vote_ms", "one vote, incremental (ms)"),
        ("board_ms", "board median (ms)"),
        ("board_p95_ms", "board p95 (ms)"),
        ("board_queries", "board queries"),
        ("trivial_ms", "trivial page (ms)"),
        ("rss_mb", "worker peak RSS (MB)"),
    ]
    scales = sorted(RESULTS)
    print("\n| measure | " + " | ".join(f"×{s:g}" for s in scales) + " |")
    print("| --- |" + " --- |" * len(scales))
    for key, label in keys:
        cells = []
        for s in scales:
            v = RESULTS[s][key]
            cells.append(f"{v:.2f}" if key == "ratio" else f"{v:,.0f}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    base, top = RESULTS[scales[0]], RESULTS[scales[-1]]
    print(f"board ×{scales[-1]:g} / ×{scales[0]:g}: {top['board_ms'] / base['board_ms']:.2f}")
