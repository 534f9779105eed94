"""Jira Cloud as Atlassian documents it: the search/jql example (an integer ``updated``), webhook
events other than ``jira:issue_updated``, a webhook without a usable status, JWT-signed webhooks of
app-registered webhooks, and the status-category mapping as a connection setting."""

import hashlib
import hmac
import json
import time

import jwt
import pytest
from django.urls import reverse
from werkzeug import Response

from integrations.connectors.jira.jwt_auth import canonical_request, query_string_hash
from integrations.connectors.services import connection_save
from integrations.models import RecordReport, RunStatus, SyncedRecord, WebhookReceipt
from roadmap.choices import ItemStatus
from roadmap.models import RoadmapItem
from roadmap.services import roadmap_item_create

from .vendor_fixtures import example

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
SEARCH = "/rest/api/3/search/jql"
SECRET = "jira-webhook-secret"


def documented_issue(key, category, *, updated="2026-11-20T10:15:30.000+0000", issue_id=None):
    issue = example("jira", "issue")
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    issue.update(id=issue_id or str(20000 + int(key.split("-")[1])), key=key)
    issue["fields"]["updated"] = updated
    issue["fields"]["status"]["name"] = names[category]
    issue["fields"]["status"]["statusCategory"].update(key=category, name=names[category])
    return issue


def serve_pages(httpserver, pages):
    def handler(request):
        token = json.loads(request.data).get("nextPageToken")
        tokens = list(pages)
        index = tokens.index(token)
        answer = {"issues": pages[token], "isLast": index == len(tokens) - 1}
        if index + 1 < len(tokens):
            answer["nextPageToken"] = tokens[index + 1]
        return Response(json.dumps(answer), content_type="application/json")

    httpserver.expect_request(SEARCH, method="POST").respond_with_handler(handler)


@pytest.fixture
def items(db):
    return {
        "done": roadmap_item_create(title="SSO for sandboxes", jira_key="PROD-1"),
        "started": roadmap_item_create(
            title="Bulk export", jira_key="PROD-2", status=ItemStatus.PLANNED
        ),
        "new": roadmap_item_create(title="Dark mode", jira_key="PROD-3"),
        "created": roadmap_item_create(title="Audit log export", jira_key="PROD-4"),
        "example": roadmap_item_create(title="Order flow", jira_key="ED-1"),
    }


@pytest.mark.django_db
def test_the_documented_integer_updated_skips_that_issue_and_applies_the_rest(
    admin_client, jira, httpserver, run_sync, items
):
    documented = example("jira", "search_jql")
    page = [*documented["issues"], documented_issue("PROD-1", "done")]
    serve_pages(httpserver, {None: page, "CAEaAggD": [documented_issue("PROD-2", "indeterminate")]})

    run = run_sync(jira)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.updated, run.failed) == (2, 1)
    assert "ED-1: updated 1 is not a Jira timestamp" in run.error
    assert RoadmapItem.objects.get(jira_key="PROD-1").status == ItemStatus.SHIPPED
    assert RoadmapItem.objects.get(jira_key="PROD-2").status == ItemStatus.IN_PROGRESS
    assert RoadmapItem.objects.get(jira_key="ED-1").status == ItemStatus.UNDER_CONSIDERATION
    report = RecordReport.objects.get()
    assert (report.outcome, report.external_id, report.run_id) == ("skipped", "ED-1", run.pk)
    assert not SyncedRecord.objects.filter(external_id="10002").exists()
    jira.refresh_from_db()
    assert jira.cursor["since"] == "2026-11-20T10:15:30.000+0000"
    page = admin_client.get(reverse("integrations:sync")).content.decode()
    assert "updated 1 is not a Jira timestamp" in page and "1 skipped" in page


def signed(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def post(client, connection, payload, *, identifier, headers=None, sign=True, query=""):
    body = json.dumps(payload).encode()
    sent = {"X-Atlassian-Webhook-Identifier": identifier, **(headers or {})}
    if sign:
        sent["X-Hub-Signature"] = signed(body)
    url = reverse("hook-jira", args=[connection.pk]) + (f"?{query}" if query else "")
    return client.post(url, data=body, content_type="application/json", headers=sent)


@pytest.mark.django_db
def test_a_webhook_without_status_stores_no_stamp_so_the_next_pull_ships(
    client, jira, httpserver, run_sync, items
):
    no_status = example("jira", "webhook_issue_updated_without_status")
    response = post(client, jira, no_status, identifier="w-1")

    assert response.status_code == 200 and response.json()["status"] == "skipped"
    assert not SyncedRecord.objects.filter(external_id="20001").exists()
    assert RecordReport.objects.get().reason.endswith("no status category in fields.status")

    # The pull brings the same issue, same stamp, now Done: it is applied, not "unchanged".
    serve_pages(httpserver, {None: [documented_issue("PROD-1", "done")]})
    run = run_sync(jira)
    assert run.updated == 1 and run.unchanged == 0
    assert RoadmapItem.objects.get(jira_key="PROD-1").status == ItemStatus.SHIPPED


@pytest.mark.django_db
def test_an_unlinked_issue_keeps_no_stamp_and_is_applied_once_linked(
    jira, httpserver, run_sync, items
):
    serve_pages(httpserver, {None: [documented_issue("PROD-9", "done")]})
    assert run_sync(jira).unchanged == 1
    assert not SyncedRecord.objects.exists()
    linked = roadmap_item_create(title="Later link", jira_key="PROD-9")
    jira.refresh_from_db()
    jira.cursor = {}
    jira.save()
    assert run_sync(jira).updated == 1
    linked.refresh_from_db()
    assert linked.status == ItemStatus.SHIPPED


@pytest.mark.django_db
def test_issue_created_is_applied_and_other_events_are_accepted_and_recorded(client, jira, items):
    created = post(client, jira, example("jira", "webhook_issue_created"), identifier="c-1")
    comment = post(client, jira, example("jira", "webhook_comment_created"), identifier="c-2")
    deleted = post(client, jira, example("jira", "webhook_issue_deleted"), identifier="c-3")
    worklog = post(
        client,
        jira,
        {"timestamp": 1, "webhookEvent": "worklog_created", "worklog": {"id": "1"}},
        identifier="c-4",
    )

    assert [r.status_code for r in (created, comment, deleted, worklog)] == [200] * 4
    assert created.json() == {"status": "updated", "event": "jira:issue_created"}
    assert comment.json()["status"] == "ignored" and worklog.json()["status"] == "ignored"
    assert deleted.json()["status"] == "reported"
    assert RoadmapItem.objects.get(jira_key="PROD-4").status == ItemStatus.IN_PROGRESS
    assert set(WebhookReceipt.objects.values_list("event", flat=True)) == {
        "jira:issue_created",
        "comment_created",
        "jira:issue_deleted",
        "worklog_created",
    }
    report = RecordReport.objects.get(external_id="PROD-3")
    assert report.outcome == "reported" and "keeps the key" in report.reason
    again = post(client, jira, example("jira", "webhook_comment_created"), identifier="c-2")
    assert again.json()["status"] == "duplicate"


def app_jwt(*, path, method="POST", query="", secret=SECRET, issuer="jira:app-client-key", **extra):
    now = int(time.time())
    claims = {
        "iss": issuer,
        "iat": now,
        "exp": now + 180,
        "qsh": query_string_hash(method, path, query),
        **extra,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["JWT", "Bearer"])
def test_app_registered_webhooks_signed_with_a_jwt_are_accepted(client, jira, items, scheme):
    path = reverse("hook-jira", args=[jira.pk])
    token = app_jwt(path=path, query="issueId=10004&projectKey=PROD")
    response = post(
        client,
        jira,
        example("jira", "webhook_issue_created"),
        identifier="j-1",
        headers={"Authorization": f"{scheme} {token}"},
        sign=False,
        query="projectKey=PROD&issueId=10004",
    )
    assert response.status_code == 200, response.content
    assert RoadmapItem.objects.get(jira_key="PROD-4").status == ItemStatus.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"secret": "another-secret"},
        {"exp": int(time.time()) - 3600},
        {"qsh": "0" * 64},
        {"issuer": "jira:someone-else"},
    ],
    ids=["secret", "expired", "qsh", "issuer"],
)
def test_a_bad_jwt_is_refused_and_nothing_stored(client, jira, items, change):
    jira.settings = {**jira.settings, "jwt_issuer": "jira:app-client-key"}
    connection_save(connection=jira)
    path = reverse("hook-jira", args=[jira.pk])
    token = app_jwt(path=path, **change)
    response = post(
        client,
        jira,
        example("jira", "webhook_issue_created"),
        identifier="j-2",
        headers={"Authorization": f"JWT {token}"},
        sign=False,
    )
    assert response.status_code == 401
    assert "JWT" in response.json()["detail"]
    assert not WebhookReceipt.objects.exists()


def test_the_canonical_request_follows_atlassians_rules():
    assert canonical_request("get", "/rest/api/3/x/", "b=2&a=1&a=0&jwt=abc") == (
        "GET&/rest/api/3/x&a=0,1&b=2"
    )
    assert canonical_request("POST", "/hook", "") == "POST&/hook&"
    assert canonical_request("POST", "/", "q=a b") == "POST&/&q=a%20b"


@pytest.mark.django_db
def test_status_map_is_a_connection_setting_with_documented_defaults(
    admin_client, jira, httpserver, run_sync, items
):
    page = admin_client.get(reverse("integrations:connection-edit", args=[jira.pk]))
    text = page.content.decode()
    assert "status_map.done" in text and "Done → Shipped" in text
    assert "In Progress → In progress" in text and "To Do → no change" in text
    assert 'data-testid="jira-signing"' in text and "JWT" in text

    jira.settings = {**jira.settings, "status_map": {"indeterminate": None, "new": "planned"}}
    connection_save(connection=jira)
    serve_pages(
        httpserver,
        {None: [documented_issue("PROD-2", "indeterminate"), documented_issue("PROD-3", "new")]},
    )
    run_sync(jira)
    assert RoadmapItem.objects.get(jira_key="PROD-2").status == ItemStatus.PLANNED
    assert RoadmapItem.objects.get(jira_key="PROD-3").status == ItemStatus.PLANNED
    page = admin_client.get(reverse("integrations:connection-edit", args=[jira.pk]))
    assert "set on this connection" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status_map",
    [{"done": "finished"}, {"closed": "shipped"}, ["done"]],
    ids=["bad-target", "bad-category", "not-an-object"],
)
def test_a_bad_status_map_is_refused(jira, status_map):
    from django.core.exceptions import ValidationError

    jira.settings = {**jira.settings, "status_map": status_map}
    with pytest.raises(ValidationError) as error:
        connection_save(connection=jira)
    assert "status_map" in str(error.value)
