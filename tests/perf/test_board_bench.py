"""Benchmark of the roadmap board against a trivial logged-in page (figures, not a timed test).

The data set is the demo's at ``seed_demo --scale 40`` (1,000 roadmap items). The board is asked
for as a PM (cards with move forms) with the card cache warm, and with it cold (every card
rendered, as after a full recompute changed every score), alternating with the trivial page
(``/password/change/``) so that load from other processes hits all alike. Run with::

    make bench PYTEST_ARGS=tests/perf/test_board_bench.py

``BENCH_PROFILE=1`` also prints the board's cProfile summary (top functions by total time).
"""

import cProfile
import io
import os
import pstats
import statistics
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roadmap import cards
from roadmap.models import RoadmapItem
from tests.factories import ProductManagerFactory

SCALE = int(os.environ.get("BENCH_DEMO_SCALE", "40"))
REQUESTS = 30


def _ms(samples) -> float:
    return statistics.median(samples) * 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_board_benchmark(settings, monkeypatch):
    started = time.perf_counter()
    call_command("seed_demo", scale=SCALE, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    build_s = time.perf_counter() - started
    client = Client()
    client.force_login(ProductManagerFactory(username="bench_board_pm"))
    board, trivial = "/roadmap/", "/password/change/"
    samples = {"board": [], "board, cards not cached": [], "trivial": []}
    client.get(board)
    client.get(trivial)
    queries = {}
    for n in range(REQUESTS):
        for name in samples:
            if name == "board, cards not cached":
                # New keys for every card: the template renders all of them again.
                monkeypatch.setattr(cards, "TEMPLATE_VERSION", f"bench-{n}")
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(trivial if name == "trivial" else board)
            samples[name].append(time.perf_counter() - t)
            assert response.status_code == 200
            queries[name] = len(ctx.captured_queries)
    shown = client.get(board).content.decode().count('data-testid="board-card"')
    trivial_ms = _ms(samples["trivial"])
    print(
        f"\nboard benchmark: seed_demo --scale {SCALE} ({RoadmapItem.objects.count()} items, "
        f"built in {build_s:.0f} s), {shown} cards on the first screen, {REQUESTS} requests each"
    )
    for name, values in samples.items():
        print(
            f"  {name}: median {_ms(values):.1f} ms ({_ms(values) / trivial_ms:.2f}× trivial), "
            f"{queries[name]} queries"
        )
    print(
        f"  board median / trivial median: {_ms(samples['board']):.1f} / {trivial_ms:.1f} ms = "
        f"{_ms(samples['board']) / trivial_ms:.2f}\n"
        f"  load average during the run: {os.getloadavg()[0]:.1f} (2 cores)"
    )
    if os.environ.get("BENCH_PROFILE"):
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            client.get(board)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())
    assert shown > 0
