"""Integration-map figures: import / re-import / dry run of the seed and of a large generated map,
the board and point pages, and the exports. Prints figures; asserts only correctness.

    DATABASE_URL=postgres://… make bench PYTEST_ARGS="-k maps"
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.maps import services
from integrations.maps.exporter import map_to_csv, map_to_markdown
from integrations.maps.importer import map_import
from integrations.models import AcceptanceCriterion
from tests.maps.factories import SEED_000

pytestmark = pytest.mark.django_db


def big_document(sections: int = 10, groups: int = 5, points: int = 10, criteria: int = 6) -> str:
    out = ["---", 'title: "Benchmark map"', "---", "", "# Benchmark map", ""]
    codes = []
    for s in range(1, sections + 1):
        out += [f"## Section {s}", ""]
        for g in range(1, groups + 1):
            out += [f"### {s}.{g} Group {s}.{g}", ""]
            for p in range(1, points + 1):
                code = f"{s}.{g}.{p}"
                codes.append(code)
                out += [
                    f"#### Integration Point {code}: Point {code}",
                    "",
                    f"**Integration Flow**: Left {code} ↔ Right {code}",
                    "**Coordination Protocol**: Weekly review",
                    "",
                    "**Acceptance Criteria**:",
                    "",
                    *(f"- Criterion {c} of {code}" for c in range(1, criteria + 1)),
                    "",
                    f"**Business Framework Integration**: [A](/a/{code}) + [B](/b/{code})",
                    "",
                ]
    out += ["## Timeline", ""]
    per_phase = len(codes) // 5
    for n in range(5):
        out += [f"#### Phase {n + 1}: Phase {n + 1} (Weeks {2 * n + 1}-{2 * n + 2})", ""]
        out += [
            f"- Point {c} (Integration Point {c})"
            for c in codes[n * per_phase : (n + 1) * per_phase]
        ]
        out.append("")
    return "\n".join(out)


def timed(fn, repeat=3):
    runs = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(runs)


def test_maps_benchmark(client, portal_admin, portal_admin_colleague):
    rows = []
    seed = SEED_000.read_bytes()
    report, ms = timed(lambda: map_import(data=seed, source_name="seed", dry_run=True), repeat=3)
    rows.append(("seed 000 dry run (23 points, 92 criteria)", ms, None))
    connection.queries_log.clear()  # the log holds 9,000 entries; the counts need room
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        report = map_import(data=seed, source_name="seed")
        ms = (time.perf_counter() - start) * 1000
    rows.append(("seed 000 first import", ms, len(ctx.captured_queries)))
    _, ms = timed(lambda: map_import(data=seed, source_name="seed"))
    rows.append(("seed 000 re-import, no changes", ms, None))

    big = big_document()
    connection.queries_log.clear()  # the log holds 9,000 entries; the counts need room
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        big_report = map_import(data=big, source_name="big")
        ms = (time.perf_counter() - start) * 1000
    assert big_report.totals["points"] == 500 and big_report.totals["criteria"] == 3000
    rows.append(("500-point map first import (3,000 criteria)", ms, len(ctx.captured_queries)))
    _, ms = timed(lambda: map_import(data=big, source_name="big"), repeat=2)
    rows.append(("500-point map re-import, no changes", ms, None))

    crits = AcceptanceCriterion.objects.filter(point__map_id=big_report.map_id).order_by("pk")[:300]
    for crit in crits:
        services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="x")
    for crit in crits[:100]:
        services.criterion_verify(criterion=crit, actor=portal_admin_colleague)

    client.force_login(portal_admin)
    for label, map_id in (("seed 000", report.map_id), ("500-point map", big_report.map_id)):
        url = f"/integrations/maps/{map_id}/"
        client.get(url)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries = len(ctx.captured_queries)
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        print(f"\n{label}: slowest query {slowest['time']} s: {slowest['sql'][:90]}")
        assert response.status_code == 200
        _, ms = timed(lambda url=url: client.get(url), repeat=5)
        rows.append((f"board page, {label}", ms, queries))
    _, ms = timed(lambda: client.get("/integrations/maps/"), repeat=5)
    rows.append(("map list page (2 maps)", ms, None))
    from integrations.models import IntegrationMap

    imap = IntegrationMap.objects.get(pk=big_report.map_id)
    text, ms = timed(lambda: map_to_markdown(imap))
    rows.append(("Markdown export, 500-point map", ms, None))
    _, ms = timed(lambda: map_to_csv(imap))
    rows.append(("CSV export, 500-point map", ms, None))
    roundtrip = map_import(data=text, source_name="export", dry_run=True)
    assert not roundtrip.has_changes

    print(f"\n{'measure':<48} {'median ms':>10} {'queries':>8}")
    for label, ms, queries in rows:
        print(f"{label:<48} {ms:>10.1f} {queries if queries is not None else '':>8}")
    print(f"database: {connection.vendor}")
