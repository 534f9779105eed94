"""Benchmark of item adoption on PostgreSQL (figures, not a timed test): 5,000 accounts, 2,000
items of which 200 shipped (each mapped to two feature keys), 20,000 votes and 1,000,000 daily
usage rows (generated set-based with generate_series, skewed so a few keys carry most of the
use). Measures, for the most used shipped item and a typical one:

- **aggregate**: the single aggregate the report rests on (``adoption_rows_sql``: active accounts
  with their requester flag LEFT JOIN the per-account GROUP BY of the usage), executed and
  fetched in PostgreSQL, median;
- **API**: ``GET /api/v1/cs-product/adoption/{item id}`` through the test client, median;
- **item page**: ``GET /roadmap/items/{id}/`` as a PM (Adoption panel with chart, barriers,
  recommendations), median; and their ratios to the aggregate (target ≤ 3×);
- both again with the report kept for ``PANEL_CACHE_SECONDS`` (as users get it, "as of" shown).

Run with ``make bench PYTEST_ARGS=tests/perf/test_adoption_bench.py`` (DATABASE_URL=postgres://…).
"""

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.connectors.analytics.adoption_selectors import adoption_rows_sql
from integrations.models import FeatureUsage
from portal.choices import Tier
from portal.models import Account
from roadmap.models import RoadmapItem, RoadmapItemFeature
from tests.factories import CsRepFactory, ProductManagerFactory

ACCOUNTS, ITEMS, SHIPPED, VOTES, USAGE_ROWS, REPS = 5_000, 2_000, 200, 20_000, 1_000_000, 40
KEYS = 2 * SHIPPED + 100  # two per shipped item, and 100 no item claims
DAYS = 120
REPEAT = 15


def _copy(table: str, columns: list[str], rows) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
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
                segment=rng.choice(["saas", "retail", "fintech", "healthcare", "public_sector"]),
                csm_owner=reps[i % REPS],
            )
            for i in range(ACCOUNTS)
        ],
        batch_size=2_000,
    )
    now = timezone.now()
    RoadmapItem.objects.bulk_create(
        [
            RoadmapItem(
                title=f"Bench item {i:04d}",
                product_area="core",
                status="shipped" if i < SHIPPED else "planned",
                shipped_at=now - dt.timedelta(days=20 + (i * 7) % 90) if i < SHIPPED else None,
            )
            for i in range(ITEMS)
        ],
        batch_size=2_000,
    )
    shipped = list(RoadmapItem.objects.filter(status="shipped").order_by("pk"))
    RoadmapItemFeature.objects.bulk_create(
        [
            RoadmapItemFeature(item=item, feature_key=f"key_{2 * n + k:03d}")
            for n, item in enumerate(shipped)
            for k in (0, 1)
        ]
    )
    items = list(RoadmapItem.objects.values_list("pk", flat=True))
    accounts = list(Account.objects.values_list("pk", "csm_owner_id"))
    pairs: set[tuple[int, int]] = set()
    weights = [1 / (rank + 10) for rank in range(ITEMS)]
    while len(pairs) < VOTES:
        for item in rng.choices(items, weights=weights, k=VOTES - len(pairs)):
            pairs.add((item, rng.randrange(ACCOUNTS)))
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
            (i, accounts[a][0], accounts[a][1], "bench evidence", "medium", now, now)
            for i, a in pairs
        ),
    )
    with connection.cursor() as cursor:
        # Set-based: a skewed key (square of a uniform), a random account and day in the last
        # DAYS days; the unique (account, feature, day) drops the few collisions, topped up.
        while (count := FeatureUsage.objects.count()) < USAGE_ROWS:
            cursor.execute(
                "WITH a AS (SELECT array_agg(id) AS ids FROM portal_account) "
                "INSERT INTO integrations_featureusage (account_id, feature, day, events, users) "
                "SELECT a.ids[1 + floor(random() * %s)::int], "
                "'key_' || lpad(floor(%s * power(random(), 2))::int::text, 3, '0'), "
                "current_date - floor(random() * %s)::int, 1 + floor(random() * 20)::int, "
                "1 + floor(random() * 5)::int FROM a, generate_series(1, %s) "
                "ON CONFLICT DO NOTHING",
                [ACCOUNTS, KEYS, DAYS, USAGE_ROWS - count],
            )
        cursor.execute("ANALYZE")
    return {"shipped": shipped}


def _ms(samples):
    return statistics.median(samples) * 1000


def _measure(client, item, keys, settings) -> dict:
    since = timezone.localdate(item.shipped_at)
    sql, params = adoption_rows_sql(
        item_id=item.pk, keys=keys, since=since, until=timezone.localdate()
    )
    api_url = f"/api/v1/cs-product/adoption/{item.pk}"
    page_url = item.get_absolute_url()
    client.get(api_url)
    client.get(page_url)
    aggregate, api, page, api_cached, page_cached = [], [], [], [], []
    for _ in range(REPEAT):
        with connection.cursor() as cursor:
            t = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            aggregate.append(time.perf_counter() - t)
        settings.PANEL_CACHE_SECONDS = 0  # computed for the request
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as api_queries:
            assert client.get(api_url).status_code == 200
        api.append(time.perf_counter() - t)
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(page_url).status_code == 200
        page.append(time.perf_counter() - t)
        settings.PANEL_CACHE_SECONDS = 120  # as users get it: the report "as of" ≤ 2 minutes
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as api_cached_queries:
            assert client.get(api_url).status_code == 200
        api_cached.append(time.perf_counter() - t)
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as page_cached_queries:
            assert client.get(page_url).status_code == 200
        page_cached.append(time.perf_counter() - t)
    usage_rows = FeatureUsage.objects.filter(feature__in=keys, day__gte=since).count()
    return {
        "usage_rows": usage_rows,
        "adopters": sum(1 for r in rows if r[8] is not None),
        "aggregate": _ms(aggregate),
        "api": _ms(api),
        "page": _ms(page),
        "api_queries": len(api_queries.captured_queries),
        "page_queries": len(page_queries.captured_queries),
        "api_cached": _ms(api_cached),
        "page_cached": _ms(page_cached),
        "api_cached_queries": len(api_cached_queries.captured_queries),
        "page_cached_queries": len(page_cached_queries.captured_queries),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_adoption_benchmark(settings):
    rng = random.Random(2026)
    started = time.perf_counter()
    built = _build(rng)
    build_s = time.perf_counter() - started
    pm = ProductManagerFactory(username="bench_pm")
    client = Client()
    client.force_login(pm)
    heavy = built["shipped"][0]  # key_000 and key_001: the most used keys
    typical = built["shipped"][len(built["shipped"]) // 2]
    print(
        f"\nData: {Account.objects.count():,} accounts, {RoadmapItem.objects.count():,} items "
        f"({len(built['shipped'])} shipped), {FeatureUsage.objects.count():,} usage rows; "
        f"built in {build_s:.0f} s"
    )
    for label, item in (("most used item", heavy), ("typical item", typical)):
        keys = list(item.features.values_list("feature_key", flat=True))
        m = _measure(client, item, keys, settings)
        print(
            f"{label} ({', '.join(keys)}; {m['usage_rows']:,} usage rows since ship, "
            f"{m['adopters']:,} adopters): aggregate {m['aggregate']:.1f} ms · "
            f"API {m['api']:.1f} ms ({m['api'] / m['aggregate']:.1f}×, "
            f"{m['api_queries']} queries) · "
            f"item page {m['page']:.1f} ms ({m['page'] / m['aggregate']:.1f}×, "
            f"{m['page_queries']} queries) · cached report: "
            f"API {m['api_cached']:.1f} ms ({m['api_cached'] / m['aggregate']:.1f}×, "
            f"{m['api_cached_queries']} queries) · "
            f"item page {m['page_cached']:.1f} ms ({m['page_cached'] / m['aggregate']:.1f}×, "
            f"{m['page_cached_queries']} queries)"
        )
