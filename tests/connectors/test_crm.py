"""HubSpot companies against a local server speaking CRM v3: paging, retries, failures, resume."""

import json
from decimal import Decimal

import pytest
from werkzeug import Response

from integrations.models import RunStatus, SyncedRecord
from portal.models import Account
from tests.factories import AccountFactory, CsRepFactory

LIST = "/crm/v3/objects/companies"
SEARCH = "/crm/v3/objects/companies/search"


def company(n, *, tier="enterprise", arr="120000", health="81", modified="2026-11-20T10:00:00Z"):
    return {
        "id": str(1000 + n),
        "properties": {
            "name": f"Company {n}",
            "annualrevenue": arr,
            "customer_tier": tier,
            "health_score": health,
            "csm_owner_email": "rep_a@example.com",
            "industry": "fintech",
            "hs_lastmodifieddate": modified,
            "hs_object_id": str(1000 + n),
        },
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": modified,
        "archived": False,
    }


def page(companies, after=None):
    body = {"results": companies}
    if after:
        body["paging"] = {"next": {"after": after, "link": f"https://api.hubapi.com?after={after}"}}
    return body


def serve_list(httpserver, pages):
    """Answer the list endpoint page by page, keyed by the ``after`` the client sends."""
    bodies = {}
    for index, companies in enumerate(pages):
        after = str(index * 2) if index else None
        nxt = str((index + 1) * 2) if index + 1 < len(pages) else None
        bodies[after] = page(companies, nxt)
    serve_by_after(httpserver, bodies)


def serve_by_after(httpserver, answers):
    """``answers`` maps the ``after`` query value (None for the first page) to a JSON body or a
    ready Response."""

    def handler(request):
        assert request.headers["Authorization"] == "Bearer pat-na1-test"
        assert request.args["limit"] == "100"
        if request.args.get("archived") == "true":  # the archived-objects listing: none here
            return Response(json.dumps({"results": []}), content_type="application/json")
        answer = answers[request.args.get("after")]
        if isinstance(answer, Response):
            return answer
        return Response(json.dumps(answer), content_type="application/json")

    httpserver.expect_request(LIST, method="GET").respond_with_handler(handler)


@pytest.mark.django_db
def test_full_sync_pages_to_the_end_and_maps_properties(crm, httpserver, run_sync):
    rep = CsRepFactory(username="rep_a")
    serve_list(
        httpserver, [[company(1), company(2)], [company(3, tier="Mid-Market")], [company(4)]]
    )

    run = run_sync(crm)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.pages, run.created, run.updated, run.unchanged, run.failed) == (4, 4, 0, 0, 0)
    acme = Account.objects.get(crm_id="1003")
    assert acme.name == "Company 3"
    assert acme.tier == "mid_market"
    assert acme.arr == Decimal("120000.00")
    assert acme.health_score == 81
    assert acme.csm_owner == rep
    assert acme.segment == "fintech"
    crm.refresh_from_db()
    assert crm.cursor["since"] > 0 and crm.cursor["last_full"]
    assert crm.last_synced_at is not None


@pytest.mark.django_db
def test_second_run_searches_incrementally_and_writes_nothing_new(crm, httpserver, run_sync):
    serve_list(httpserver, [[company(1), company(2)]])
    run_sync(crm)
    history = Account.history.count()
    crm.refresh_from_db()
    since = crm.cursor["since"]

    def search(request):
        body = json.loads(request.data)
        flt = body["filterGroups"][0]["filters"][0]
        assert flt == {
            "propertyName": "hs_lastmodifieddate",
            "operator": "GTE",
            "value": str(since),
        }
        assert "annualrevenue" in body["properties"]
        return Response(json.dumps(page([company(2)])), content_type="application/json")

    httpserver.expect_request(SEARCH, method="POST").respond_with_handler(search)
    run = run_sync(crm)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.created, run.updated, run.unchanged) == (0, 0, 1)
    assert Account.history.count() == history


@pytest.mark.django_db
def test_configured_property_names(crm, httpserver, run_sync):
    crm.settings = {"properties": {"arr": "arr_usd", "health_score": "cs_health"}}
    crm.save()
    record = company(1)
    record["properties"]["arr_usd"] = "999"
    record["properties"]["cs_health"] = "12"
    serve_list(httpserver, [[record]])
    run_sync(crm)
    account = Account.objects.get(crm_id="1001")
    assert (account.arr, account.health_score, account.health_band) == (Decimal("999"), 12, "red")


@pytest.mark.django_db
def test_429_waits_for_retry_after_then_succeeds(crm, httpserver, run_sync, waits):
    httpserver.expect_ordered_request(LIST).respond_with_json(
        {
            "status": "error",
            "category": "RATE_LIMITS",
            "message": "You have reached your secondly limit.",
        },
        status=429,
        headers={"Retry-After": "7"},
    )
    httpserver.expect_ordered_request(LIST).respond_with_json(page([company(1)]))
    httpserver.expect_ordered_request(LIST).respond_with_json(page([]))  # archived listing
    run = run_sync(crm)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert waits == [7.0]
    assert Account.objects.filter(crm_id="1001").exists()


@pytest.mark.django_db
def test_500_is_retried(crm, httpserver, run_sync, waits):
    httpserver.expect_ordered_request(LIST).respond_with_data("oops", status=500)
    httpserver.expect_ordered_request(LIST).respond_with_json(page([company(1)]))
    httpserver.expect_ordered_request(LIST).respond_with_json(page([]))  # archived listing
    run = run_sync(crm)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert len(waits) == 1


@pytest.mark.django_db
def test_failure_mid_run_keeps_applied_pages_and_the_next_run_resumes(
    crm, httpserver, run_sync, waits
):
    serve_by_after(
        httpserver,
        {
            None: page([company(1), company(2)], after="2"),
            "2": Response("upstream down", status=503),
        },
    )
    failed = run_sync(crm)

    assert failed.status == RunStatus.FAILED
    assert "HTTP 503" in failed.error
    assert failed.pages == 1 and failed.created == 2
    assert set(Account.objects.values_list("crm_id", flat=True)) == {"1001", "1002"}
    crm.refresh_from_db()
    assert crm.cursor["after"] == "2"

    httpserver.clear()
    serve_by_after(httpserver, {"2": page([company(3)])})  # the first page is not asked again
    resumed = run_sync(crm)
    assert resumed.status == RunStatus.SUCCEEDED, resumed.error
    assert (resumed.pages, resumed.created) == (2, 1)  # the last page, the archived listing
    assert Account.objects.filter(crm_id__in=["1001", "1002", "1003"]).count() == 3
    # The resumed full pass saw all three: none is flagged missing.
    assert not Account.objects.filter(crm_missing_since__isnull=False).exists()


@pytest.mark.django_db
def test_vanished_account_is_flagged_not_deleted(crm, httpserver, run_sync):
    gone = AccountFactory(crm_id="1999", name="Gone Corp")
    serve_list(httpserver, [[company(1)]])
    run_sync(crm)
    gone.refresh_from_db()
    assert gone.crm_missing_since is not None
    assert Account.objects.filter(pk=gone.pk).exists()


@pytest.mark.django_db
def test_malformed_json_fails_the_run_and_writes_nothing(crm, httpserver, run_sync):
    httpserver.expect_request(LIST).respond_with_data("{not json", content_type="application/json")
    run = run_sync(crm)
    assert run.status == RunStatus.FAILED
    assert "malformed JSON" in run.error
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_auth_failure_is_clear_and_not_retried(crm, httpserver, run_sync, waits):
    httpserver.expect_request(LIST).respond_with_json(
        {
            "status": "error",
            "message": "Authentication credentials not found.",
            "category": "INVALID_AUTHENTICATION",
        },
        status=401,
    )
    run = run_sync(crm)
    assert run.status == RunStatus.FAILED
    assert "refused the credentials (HTTP 401)" in run.error
    assert "Authentication credentials not found" not in run.error  # only the status
    assert waits == []
    assert not Account.objects.exists() and not SyncedRecord.objects.exists()


@pytest.mark.django_db
def test_missing_token_is_named(crm, run_sync, monkeypatch):
    monkeypatch.delenv("CONNECTOR_TEST_HUBSPOT_TOKEN")
    run = run_sync(crm)
    assert run.status == RunStatus.FAILED
    assert "credential variable" in run.error


@pytest.mark.django_db
def test_timeout_is_reported(crm, httpserver, run_sync, settings, waits):
    import threading

    settings.CONNECTOR_HTTP_TIMEOUT = 0.2
    release = threading.Event()

    def slow(request):
        release.wait(5)  # held until the client has given up
        return Response("{}", content_type="application/json")

    httpserver.expect_request(LIST).respond_with_handler(slow)
    try:
        run = run_sync(crm)
    finally:
        release.set()
    assert run.status == RunStatus.FAILED
    assert "did not answer within 0.2 s" in run.error
    assert len(waits) == 2  # three attempts


@pytest.mark.django_db
def test_invalid_record_is_counted_and_named_others_applied(crm, httpserver, run_sync):
    serve_list(httpserver, [[company(1), company(2, tier="platinum"), company(3, health="140")]])
    run = run_sync(crm)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.created, run.failed) == (1, 2)
    assert "company 1002: tier 'platinum'" in run.error
    assert "outside 0–100" in run.error
