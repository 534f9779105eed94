"""Read-only connector resources and the sync action."""

import pytest
from rest_framework.test import APIClient

from integrations.models import ConnectionKind, FeatureUsage, RunStatus, SyncRun
from tests.factories import AccountFactory

from .factories import ConnectionFactory


@pytest.fixture
def api():
    def client(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return client


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 10])
def test_sync_runs_list_query_count_and_roles(
    api, portal_admin, cs_rep, django_assert_num_queries, size
):
    connection = ConnectionFactory()
    for _ in range(size):
        SyncRun.objects.create(connection=connection, status=RunStatus.SUCCEEDED)
    client = api(portal_admin)
    with django_assert_num_queries(4):  # permissions (2), count, page
        response = client.get("/api/v1/sync-runs")
    assert response.status_code == 200 and response.json()["count"] == size
    assert api(cs_rep).get("/api/v1/sync-runs").status_code == 403


@pytest.mark.django_db
def test_feature_usage_filters(api, pm):
    account = AccountFactory()
    FeatureUsage.objects.create(account=account, feature="sso", day="2026-11-01", events=3)
    FeatureUsage.objects.create(account=account, feature="sso", day="2026-11-10", events=5)
    response = api(pm).get("/api/v1/feature-usage", {"feature": "sso", "since": "2026-11-05"})
    assert [r["events"] for r in response.json()["results"]] == [5]
    bad = api(pm).get("/api/v1/feature-usage", {"since": "not-a-date"})
    assert bad.status_code == 400 and "since" in bad.json()


@pytest.mark.django_db
def test_sync_action(api, portal_admin, pm, django_capture_on_commit_callbacks):
    connection = ConnectionFactory(kind=ConnectionKind.CRM)
    url = f"/api/v1/connections/{connection.pk}/sync"
    assert api(pm).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=False):
        first = api(portal_admin).post(url)
        second = api(portal_admin).post(url)
    assert first.status_code == 202 and first.json()["status"] == "queued"
    assert second.status_code == 409 and second.json()["run"] == first.json()["id"]
    hook = ConnectionFactory(kind=ConnectionKind.WEBHOOK, base_url="https://x.example.com")
    refused = api(portal_admin).post(f"/api/v1/connections/{hook.pk}/sync")
    assert refused.status_code == 400 and "connection" in refused.json()
