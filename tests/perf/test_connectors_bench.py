"""Connector throughput against local servers (run with `make bench`; prints figures).

- CRM: a full pass over N HubSpot companies (pages of 100), then a second, unchanged run.
- Jira: N issues in pages of 100 via nextPageToken.
- Analytics: an import of N track events (JSON lines), then the same file again.
- Outbound: N deliveries signed and sent to a local receiver.
"""

import json
import time

import pytest
from django.core.management import call_command
from werkzeug import Response

from integrations.connectors.outbound.deliveries import deliveries_dispatch_due
from integrations.connectors.runs import sync_run_execute, sync_run_request
from integrations.models import ConnectionKind, Delivery, DeliveryStatus
from portal.models import Account, OutboxEvent
from portal.outbox import outbox_relay_batch
from roadmap.services import roadmap_item_create
from tests.connectors.factories import ConnectionFactory
from tests.factories import AccountFactory

N = 2000


def _timed(label, fn, count):
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    print(f"\n{label}: {count} records in {seconds:.2f} s = {count / seconds:,.0f}/s")
    return result


def _run(connection):
    run = sync_run_request(connection=connection)  # eager mode runs it on commit already
    sync_run_execute(run_id=run.pk)  # with a broker: run it here (the claim makes it once)
    run.refresh_from_db()
    return run


@pytest.fixture(autouse=True)
def _env(monkeypatch, settings):
    settings.CONNECTOR_HTTP_BACKOFF = 0
    monkeypatch.setenv("CONNECTOR_BENCH_TOKEN", "pat-bench")
    monkeypatch.setenv("CONNECTOR_BENCH_JIRA", "bench@example.com:token")
    monkeypatch.setenv("CONNECTOR_BENCH_SECRET", "bench-secret")


@pytest.mark.django_db(transaction=True)
def test_bench_crm_full_pass_and_unchanged_rerun(httpserver):
    companies = [
        {
            "id": str(10_000 + n),
            "properties": {
                "name": f"Company {n}",
                "annualrevenue": str(10_000 + n),
                "customer_tier": ["enterprise", "mid_market", "smb"][n % 3],
                "health_score": str(n % 101),
                "industry": "saas",
                "hs_lastmodifieddate": "2026-11-20T10:00:00Z",
            },
            "updatedAt": "2026-11-20T10:00:00Z",
            "archived": False,
        }
        for n in range(N)
    ]

    def listing(request):
        if request.args.get("archived") == "true":  # the archived-objects listing: none here
            return Response(json.dumps({"results": []}), content_type="application/json")
        start = int(request.args.get("after") or 0)
        body = {"results": companies[start : start + 100]}
        if start + 100 < N:
            body["paging"] = {"next": {"after": str(start + 100)}}
        return Response(json.dumps(body), content_type="application/json")

    def search(request):
        after = int(json.loads(request.data).get("after") or 0)
        body = {"total": N, "results": companies[after : after + 100]}
        if after + 100 < N:
            body["paging"] = {"next": {"after": str(after + 100)}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/crm/v3/objects/companies").respond_with_handler(listing)
    httpserver.expect_request("/crm/v3/objects/companies/search").respond_with_handler(search)
    crm = ConnectionFactory(
        kind=ConnectionKind.CRM,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_BENCH_TOKEN",
        settings={"segment_map": {"saas": "saas"}},
    )
    first = _timed("CRM full pass (creates)", lambda: _run(crm), N)
    assert first.created == N, first.error
    second = _timed("CRM incremental re-run (all unchanged)", lambda: _run(crm), N)
    assert second.unchanged == N and Account.objects.count() == N


@pytest.mark.django_db(transaction=True)
def test_bench_jira_pull(httpserver):
    for n in range(200):
        roadmap_item_create(title=f"Item {n}", jira_key=f"PROD-{n}")
    issues = [
        {
            "id": str(20_000 + n),
            "key": f"PROD-{n}",
            "fields": {
                "summary": "x",
                "status": {"name": "Done", "statusCategory": {"key": "done"}},
                "updated": "2026-11-20T10:00:00.000+0000",
            },
        }
        for n in range(N)
    ]

    def search(request):
        start = int(json.loads(request.data).get("nextPageToken") or 0)
        body = {"issues": issues[start : start + 100], "isLast": start + 100 >= N}
        if start + 100 < N:
            body["nextPageToken"] = str(start + 100)
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/rest/api/3/search/jql").respond_with_handler(search)
    jira = ConnectionFactory(
        kind=ConnectionKind.JIRA,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_BENCH_JIRA",
        settings={"project_key": "PROD"},
    )
    run = _timed("Jira pull (200 linked items shipped)", lambda: _run(jira), N)
    assert run.updated == 200, run.error


@pytest.mark.django_db(transaction=True)
def test_bench_analytics_import(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    accounts = [AccountFactory(analytics_id=f"grp-{n}") for n in range(50)]
    path = tmp_path / "events.jsonl"
    with path.open("w") as handle:
        for n in range(N * 5):
            event = {
                "type": "track",
                "event": "Feature Used",
                "messageId": f"m-{n}",
                "userId": f"u-{n % 40}",
                "timestamp": f"2026-11-{1 + n % 28:02d}T10:00:00Z",
                "properties": {"feature": ["reports", "api", "sso"][n % 3]},
                "context": {"groupId": accounts[n % 50].analytics_id},
            }
            handle.write(json.dumps(event) + "\n")
    analytics = ConnectionFactory(kind=ConnectionKind.ANALYTICS, base_url="")
    _timed(
        "Analytics import (new events)",
        lambda: call_command("import_analytics", str(analytics.pk), str(path)),
        N * 5,
    )
    _timed(
        "Analytics re-import (all already counted)",
        lambda: call_command("import_analytics", str(analytics.pk), str(path)),
        N * 5,
    )


@pytest.mark.django_db(transaction=True)
def test_bench_outbound_deliveries(httpserver):
    httpserver.expect_request("/hook").respond_with_data("", status=204)
    ConnectionFactory(
        kind=ConnectionKind.WEBHOOK,
        base_url=httpserver.url_for("/hook"),
        secret_env="CONNECTOR_BENCH_SECRET",
        settings={"events": ["vote_cast"]},
    )
    count = N // 4
    OutboxEvent.objects.bulk_create(
        [OutboxEvent(topic="vote_cast", payload={"item_id": n}) for n in range(count)]
    )

    def relay_and_send():
        outbox_relay_batch(limit=count)  # eager mode sends each delivery on commit
        return deliveries_dispatch_due(limit=count)  # with a broker: send them here

    _timed("Outbox relay → deliveries signed and sent", relay_and_send, count)
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == count
