"""Benchmark of the home pages (one per role) and the KPI page against a trivial logged-in page,
on the roadmap benchmark's data set (figures, not a timed test).

The data set is ``test_roadmap_bench._build`` (2,000 items, 5,000 accounts, 200,000 votes, 50,000
feedback tickets), plus what these pages read: tickets filed over twelve weeks, each triaged
(one history row out of "new" per ticket, 2 to 80 hours after filing), one ticket in ten
joined by another rep's account, shipped items with ship dates, a week-old rank snapshot and
the priority ranks of one recompute. ``BENCH_SCALES`` sets
the sizes as for the roadmap benchmark (``BENCH_SCALES=0.25`` a quarter of it, ``1,5`` one run
at each). Run with ``make bench PYTEST_ARGS=tests/perf/test_home_kpi_bench.py``.
"""

import os
import random
import statistics
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from integrations.kpis.selectors import CACHE_VERSION, default_range
from roadmap import scoring
from tests.factories import PortalAdminFactory, ProductManagerFactory
from tests.perf import test_roadmap_bench as roadmap_bench

REQUESTS = 15


def _history() -> None:
    with connection.cursor() as cursor:
        # Filed over the last twelve weeks; the history says when each left "new".
        cursor.execute(
            "UPDATE feedback_feedbackticket SET created_at = now() - (id % 84) * interval '1 day'"
            " - (id % 24) * interval '1 hour', updated_at = now()"
        )
        cursor.execute(
            "INSERT INTO feedback_historicalfeedbackticket (id, title, description, category, "
            "impact, source, product_area, customer_quote, status, declined_reason, created_at, "
            "updated_at, account_id, submitter_id, duplicate_of_id, roadmap_item_id, "
            "beta_program_id, history_date, history_change_reason, history_type, "
            "history_user_id) SELECT id, title, description, category, impact, source, "
            "product_area, customer_quote, 'new', declined_reason, created_at, created_at, "
            "account_id, submitter_id, NULL, NULL, NULL, created_at, 'Submitted', '+', "
            "submitter_id FROM feedback_feedbackticket"
        )
        cursor.execute(
            "INSERT INTO feedback_historicalfeedbackticket (id, title, description, category, "
            "impact, source, product_area, customer_quote, status, declined_reason, created_at, "
            "updated_at, account_id, submitter_id, duplicate_of_id, roadmap_item_id, "
            "beta_program_id, history_date, history_change_reason, history_type, "
            "history_user_id) SELECT id, title, description, category, impact, source, "
            "product_area, customer_quote, status, declined_reason, created_at, created_at, "
            "account_id, submitter_id, NULL, roadmap_item_id, NULL, LEAST(now(), created_at + "
            "(2 + id % 78) * interval '1 hour'), 'Status new → triaged', '~', NULL "
            "FROM feedback_feedbackticket"
        )
        # One ticket in ten joined by another rep's account (the next account has the next rep).
        cursor.execute(
            "INSERT INTO feedback_ticketaccount (ticket_id, account_id, added_by_id, note, "
            "joined, created_at) SELECT t.id, a.id, a.csm_owner_id, '', true, t.created_at "
            "FROM feedback_feedbackticket t JOIN portal_account a ON a.id = t.account_id + 1 "
            "WHERE t.id % 10 = 0"
        )
        cursor.execute(
            "UPDATE roadmap_roadmapitem SET shipped_at = now() - (id % 80) * interval '1 day' "
            "WHERE status = 'shipped'"
        )
        cursor.execute("ANALYZE")


def _median_ms(samples) -> float:
    return statistics.median(samples) * 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scale", roadmap_bench.SCALES)
def test_home_and_kpi_benchmark(settings, scale):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # As users get the pages: slow panels kept for PANEL_CACHE_SECONDS with "as of" shown (the
    # test suite turns the cache off); one row measures the rep's home with every panel computed.
    settings.PANEL_CACHE_SECONDS = 120
    started = time.perf_counter()
    built = roadmap_bench._build(random.Random(2026), scale)
    _history()
    scoring.priorities_recompute()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO roadmap_scoresnapshot (item_id, recorded_at, score, rank, demand, "
            "accounts, policy_version) SELECT id, now() - interval '8 days', score, "
            "GREATEST(1, rank + (id % 5) - 2), 0, 0, 1 FROM roadmap_roadmapitem "
            "WHERE rank IS NOT NULL"
        )
        cursor.execute("ANALYZE")
    build_s = time.perf_counter() - started

    clients = {}
    for role, user in [
        ("rep", built["reps"][0]),
        ("pm", ProductManagerFactory(username="bench_pm")),
        ("admin", PortalAdminFactory(username="bench_admin")),
    ]:
        clients[role] = Client()
        clients[role].force_login(user)
    pages = {
        "trivial (password change)": (clients["rep"], "/password/change/", False),
        "home, CS rep": (clients["rep"], "/", False),
        "home, CS rep, every panel computed": (clients["rep"], "/", "panels"),
        "home, PM": (clients["pm"], "/", False),
        "home, admin": (clients["admin"], "/", False),
        "KPI page, cached": (clients["pm"], "/integrations/kpis/", False),
        "KPI page, computed (cache cleared)": (clients["pm"], "/integrations/kpis/", True),
    }
    samples = {name: [] for name in pages}
    queries = {}
    for client, url, _ in pages.values():
        client.get(url)  # warm-up
    # Pages alternate, so that load from other processes hits all alike.
    for _ in range(REQUESTS):
        for name, (client, url, cold) in pages.items():
            settings.PANEL_CACHE_SECONDS = 0 if cold == "panels" else 120
            if cold is True:  # only the KPI report entry: the home pages keep their cached parts
                since, until = default_range()
                cache.delete(f"kpis:v{CACHE_VERSION}:{since.isoformat()}:{until.isoformat()}")
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                samples[name].append(time.perf_counter() - t)
            assert response.status_code == 200, name
            queries[name] = len(ctx.captured_queries)

    trivial = _median_ms(samples["trivial (password change)"])
    items, accounts, votes, tickets = roadmap_bench.sizes(scale)
    lines = [
        f"\nhome/KPI benchmark (×{scale:g}): {items} items, {accounts} accounts, {votes} votes, "
        f"{tickets} tickets with triage history (built in {build_s:.0f} s)"
    ]
    for name, values in samples.items():
        median = _median_ms(values)
        lines.append(
            f"  {name:<36} median {median:7.1f} ms  ×{median / trivial:4.1f} of trivial  "
            f"{queries[name]} queries"
        )
    if os.environ.get("BENCH_SLOWEST"):
        for name, (client, url, _) in pages.items():
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]
            for q in slow:
                lines.append(f"    {name}: {q['time']} s {q['sql'][:300]}")
    lines.append(f"  load average: {os.getloadavg()[0]:.1f} (2 cores), {REQUESTS} requests each")
    print("\n".join(lines))
