"""Jira Cloud against a local server speaking REST v3: create issue, JQL search with
nextPageToken, and the signed ``jira:issue_updated`` webhook."""

import base64
import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from werkzeug import Response

from integrations.connectors.services import jira_issue_request, jira_issue_request_execute
from integrations.models import (
    JiraIssueRequest,
    JiraIssueRequestStatus,
    RunStatus,
    WebhookReceipt,
)
from portal.models import OutboxEvent
from roadmap.choices import ItemStatus
from roadmap.models import RoadmapItem
from roadmap.services import roadmap_item_create

SEARCH = "/rest/api/3/search/jql"
BASIC = "Basic " + base64.b64encode(b"bot@example.com:api-token").decode()


def issue(key, category, *, updated="2026-11-20T10:15:30.000+0000", issue_id=None):
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    return {
        "id": issue_id or str(10000 + int(key.split("-")[1])),
        "key": key,
        "self": f"https://example.atlassian.net/rest/api/3/issue/{key}",
        "fields": {
            "summary": f"Summary of {key}",
            "status": {
                "name": names[category],
                "statusCategory": {"id": 3, "key": category, "name": names[category]},
            },
            "updated": updated,
        },
    }


def serve_search(httpserver, pages, seen_jql=None):
    """Pages keyed by the nextPageToken the client sends (None first); the last page has no
    token and isLast true, like Jira Cloud."""

    def handler(request):
        assert request.headers["Authorization"] == BASIC
        body = json.loads(request.data)
        assert set(body) <= {"jql", "fields", "maxResults", "nextPageToken"}
        if seen_jql is not None:
            seen_jql.append(body["jql"])
        tokens = list(pages)
        token = body.get("nextPageToken")
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
    }


@pytest.mark.django_db
def test_pull_pages_by_next_page_token_and_ships_done_items(jira, httpserver, run_sync, items):
    jql = []
    serve_search(
        httpserver,
        {
            None: [issue("PROD-1", "done"), issue("PROD-9", "done")],
            "tok-2": [issue("PROD-2", "indeterminate")],
            "tok-3": [issue("PROD-3", "new", updated="2026-11-21T08:00:00.000+0000")],
        },
        jql,
    )
    run = run_sync(jira)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.pages == 3
    assert (run.updated, run.unchanged) == (2, 2)
    statuses = dict(RoadmapItem.objects.values_list("jira_key", "status"))
    assert statuses == {
        "PROD-1": "shipped",
        "PROD-2": "in_progress",
        "PROD-3": "under_consideration",
    }
    shipped = OutboxEvent.objects.filter(topic="item_shipped")
    assert [e.payload["item_id"] for e in shipped] == [items["done"].pk]
    assert jql[0] == 'project = "PROD" ORDER BY updated ASC'
    jira.refresh_from_db()
    assert jira.cursor == {"since": "2026-11-21T08:00:00.000+0000"}


@pytest.mark.django_db
def test_second_pull_overlaps_the_minute_and_changes_nothing(jira, httpserver, run_sync, items):
    pages = {None: [issue("PROD-1", "done", updated="2026-11-21T08:00:45.000+0000")]}
    serve_search(httpserver, pages)
    run_sync(jira)
    httpserver.clear()
    jql = []
    serve_search(httpserver, pages, jql)
    events = OutboxEvent.objects.count()

    run = run_sync(jira)

    assert run.status == RunStatus.SUCCEEDED
    assert (run.updated, run.unchanged) == (0, 1)
    assert OutboxEvent.objects.count() == events
    # JQL has minute precision: one minute of overlap, de-duplicated on (id, updated).
    assert jql == ['project = "PROD" AND updated >= "2026/11/21 07:59" ORDER BY updated ASC']


@pytest.mark.django_db
def test_pull_failure_keeps_applied_pages_and_resumes_with_the_token(
    jira, httpserver, run_sync, items, waits
):
    def handler(request):
        body = json.loads(request.data)
        if body.get("nextPageToken") == "tok-2":
            return Response('{"errorMessages": ["Internal server error"]}', status=500)
        return Response(
            json.dumps({"issues": [issue("PROD-1", "done")], "nextPageToken": "tok-2"}),
            content_type="application/json",
        )

    httpserver.expect_request(SEARCH).respond_with_handler(handler)
    failed = run_sync(jira)
    assert failed.status == RunStatus.FAILED
    assert "Jira server error (HTTP 500)" in failed.error
    assert RoadmapItem.objects.get(jira_key="PROD-1").status == "shipped"

    httpserver.clear()
    tokens = []

    def finish(request):
        tokens.append(json.loads(request.data).get("nextPageToken"))
        return Response(
            json.dumps({"issues": [issue("PROD-2", "indeterminate")], "isLast": True}),
            content_type="application/json",
        )

    httpserver.expect_request(SEARCH).respond_with_handler(finish)
    resumed = run_sync(jira)
    assert resumed.status == RunStatus.SUCCEEDED, resumed.error
    assert tokens == ["tok-2"]
    assert RoadmapItem.objects.get(jira_key="PROD-2").status == "in_progress"


@pytest.mark.django_db
def test_old_search_endpoint_answer_410_is_permanent(jira, httpserver, run_sync, waits):
    httpserver.expect_request(SEARCH).respond_with_json(
        {"errorMessages": ["The requested API has been removed."]}, status=410
    )
    run = run_sync(jira)
    assert run.status == RunStatus.FAILED
    assert "HTTP 410" in run.error and waits == []


# --- webhook ----------------------------------------------------------------------------------


def signed(body: bytes, secret="jira-webhook-secret") -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def hook_body(key="PROD-1", category="done", event="jira:issue_updated"):
    return json.dumps(
        {
            "timestamp": 1763720000000,
            "webhookEvent": event,
            "issue_event_type_name": "issue_generic",
            "user": {"accountId": "5b10a2844c20165700ede21g", "displayName": "Pat"},
            "issue": issue(key, category),
            "changelog": {
                "id": "10400",
                "items": [{"field": "status", "fromString": "In Progress", "toString": "Done"}],
            },
        }
    ).encode()


def post_hook(client, connection, body, signature, identifier="hook-1"):
    headers = {"X-Atlassian-Webhook-Identifier": identifier}
    if signature is not None:
        headers["X-Hub-Signature"] = signature
    return client.post(
        reverse("hook-jira", args=[connection.pk]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
def test_webhook_done_ships_the_item_once_even_when_replayed(client, jira, items):
    body = hook_body()
    first = post_hook(client, jira, body, signed(body))
    again = post_hook(client, jira, body, signed(body))

    assert first.status_code == 200 and first.json()["status"] == "updated"
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    item = RoadmapItem.objects.get(jira_key="PROD-1")
    assert item.status == ItemStatus.SHIPPED and item.shipped_at
    assert OutboxEvent.objects.filter(topic="item_shipped").count() == 1
    assert WebhookReceipt.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature", [None, "sha256=" + "0" * 64, "bad", "sha256=deadbeef"], ids=str
)
def test_webhook_with_bad_or_missing_signature_is_rejected(client, jira, items, signature):
    response = post_hook(client, jira, hook_body(), signature)
    assert response.status_code == 401
    assert RoadmapItem.objects.get(jira_key="PROD-1").status == ItemStatus.UNDER_CONSIDERATION
    assert not WebhookReceipt.objects.exists()


@pytest.mark.django_db
def test_webhook_signed_with_another_secret_or_for_another_connection(client, jira, items):
    body = hook_body()
    assert post_hook(client, jira, body, signed(body, "other")).status_code == 401
    jira.enabled = False
    jira.save()
    assert post_hook(client, jira, body, signed(body)).status_code == 401


@pytest.mark.django_db
def test_webhook_without_an_event_name_or_by_get_is_refused(client, jira, items):
    body = json.dumps({"issue": issue("PROD-1", "done")}).encode()
    response = post_hook(client, jira, body, signed(body))
    assert response.status_code == 400
    assert "webhookEvent" in response.json()["detail"]
    url = reverse("hook-jira", args=[jira.pk])
    assert client.get(url).status_code == 401
    assert not WebhookReceipt.objects.exists()


# --- create issue -----------------------------------------------------------------------------


def serve_create(httpserver, key="PROD-42"):
    def handler(request):
        assert request.headers["Authorization"] == BASIC
        fields = json.loads(request.data)["fields"]
        assert fields["project"] == {"key": "PROD"}
        assert fields["issuetype"] == {"name": "Story"}
        assert fields["summary"] == "SSO for sandboxes"
        assert fields["description"]["type"] == "doc" and fields["description"]["version"] == 1
        body = {
            "id": "10042",
            "key": key,
            "self": f"https://x.atlassian.net/rest/api/3/issue/{key}",
        }
        return Response(json.dumps(body), status=201, content_type="application/json")

    httpserver.expect_request("/rest/api/3/issue", method="POST").respond_with_handler(handler)


@pytest.fixture
def create_jira(client_for, eager_celery_here, django_capture_on_commit_callbacks):
    """POST "Create Jira issue" as ``user``; the queued task runs in this process after the
    commit (``htmx`` for the in-place request)."""

    def post(user, item, *, htmx=False, follow=False):
        headers = {"HX-Request": "true"} if htmx else {}
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("integrations:jira-create", args=[item.pk]), headers=headers
            )
        if follow and response.status_code == 302:  # the page as it is once the task has run
            return client.get(response["Location"])
        return response

    return post


@pytest.mark.django_db
def test_pm_creates_a_jira_issue_for_an_item(create_jira, pm, jira, httpserver):
    item = roadmap_item_create(title="SSO for sandboxes", description="Para one.\n\nPara two.")
    serve_create(httpserver)
    response = create_jira(pm, item)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.jira_key == "PROD-42"
    assert item.history.first().history_user == pm
    assert item.jira_issue_request.status == JiraIssueRequestStatus.DONE


@pytest.mark.django_db
def test_the_web_request_only_queues_the_creation(client_for, pm, jira, httpserver):
    """No HTTP (and no row lock) in the request: the page shows "creating…" and polls."""
    item = roadmap_item_create(title="SSO for sandboxes")
    serve_create(httpserver)
    response = client_for(pm).post(
        reverse("integrations:jira-create", args=[item.pk]), headers={"HX-Request": "true"}
    )
    assert httpserver.log == []
    html = response.content.decode()
    assert "Creating the Jira issue…" in html
    assert reverse("integrations:jira-status", args=[item.pk]) in html and "every 2s" in html
    assert item.jira_issue_request.status == JiraIssueRequestStatus.PENDING
    # The task (as the worker runs it) creates the issue; the next poll shows the key, no poll.
    jira_issue_request_execute(request_id=item.jira_issue_request.pk)
    poll = client_for(pm).get(reverse("integrations:jira-status", args=[item.pk]))
    assert 'data-testid="jira-key"' in poll.content.decode()
    assert "PROD-42" in poll.content.decode() and "hx-trigger" not in poll.content.decode()


@pytest.mark.django_db
def test_a_second_click_while_creating_queues_nothing_more(client_for, pm, jira, httpserver):
    item = roadmap_item_create(title="SSO for sandboxes")
    first = jira_issue_request(item=item, actor=pm)
    second = jira_issue_request(item=item, actor=pm)
    assert first.pk == second.pk and second.is_pending
    serve_create(httpserver)
    assert jira_issue_request_execute(request_id=first.pk).status == JiraIssueRequestStatus.DONE
    assert jira_issue_request_execute(request_id=first.pk) is None  # a redelivered task
    assert len(httpserver.log) == 1


@pytest.mark.django_db
def test_second_click_does_not_create_a_second_issue(create_jira, pm, jira, httpserver):
    item = roadmap_item_create(title="SSO for sandboxes", jira_key="PROD-7")
    response = create_jira(pm, item, follow=True)
    assert "already linked to PROD-7" in response.content.decode()
    assert httpserver.log == []


@pytest.mark.django_db
def test_jira_refusal_is_shown_and_nothing_stored(create_jira, pm, jira, httpserver):
    item = roadmap_item_create(title="SSO for sandboxes")
    httpserver.expect_request("/rest/api/3/issue").respond_with_json(
        {"errorMessages": [], "errors": {"issuetype": "Specify a valid issue type"}}, status=400
    )
    response = create_jira(pm, item, follow=True)
    html = response.content.decode()
    assert 'data-testid="jira-error"' in html and "HTTP 400" in html
    # Only the status: the remote body could hold anything (or our own secrets echoed back).
    assert "Specify a valid issue type" not in html
    assert "Try again" in html
    item.refresh_from_db()
    assert item.jira_key == ""
    assert item.jira_issue_request.status == JiraIssueRequestStatus.FAILED


@pytest.mark.django_db
def test_a_failed_request_is_tried_again(create_jira, pm, jira, httpserver):
    item = roadmap_item_create(title="SSO for sandboxes")
    httpserver.expect_oneshot_request("/rest/api/3/issue").respond_with_json(
        {"errorMessages": ["Project is archived"]}, status=400
    )
    create_jira(pm, item, htmx=True)
    serve_create(httpserver, key="PROD-44")
    response = create_jira(pm, item, htmx=True)
    item.refresh_from_db()
    assert item.jira_key == "PROD-44"
    assert item.jira_issue_request.status == JiraIssueRequestStatus.DONE
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["cs_rep", "portal_admin"])
def test_only_product_managers_create_jira_issues(request, client_for, jira, httpserver, who):
    item = roadmap_item_create(title="SSO for sandboxes")
    user = request.getfixturevalue(who)
    response = client_for(user).post(reverse("integrations:jira-create", args=[item.pk]))
    assert response.status_code == 403
    assert (
        client_for(user).get(reverse("integrations:jira-status", args=[item.pk])).status_code == 403
    )
    assert httpserver.log == []


@pytest.mark.django_db
def test_pm_colleague_may_create_too(create_jira, jira, httpserver):
    from tests.factories import ProductManagerFactory

    colleague = ProductManagerFactory(username="pm_b")
    item = roadmap_item_create(
        title="SSO for sandboxes", owner=ProductManagerFactory(username="pm_owner")
    )
    serve_create(httpserver, key="PROD-43")
    create_jira(colleague, item)
    item.refresh_from_db()
    assert item.jira_key == "PROD-43"


@pytest.mark.django_db
def test_create_needs_a_jira_connection(create_jira, pm):
    item = roadmap_item_create(title="SSO for sandboxes")
    response = create_jira(pm, item, follow=True)
    assert "No enabled Jira connection" in response.content.decode()
    htmx = create_jira(pm, item, htmx=True)
    assert "No enabled Jira connection" in htmx.content.decode()
    assert not JiraIssueRequest.objects.exists()


@pytest.mark.django_db
def test_without_project_key_only_linked_issues_are_asked_for(jira, httpserver, run_sync):
    jira.settings = {}
    jira.save()
    assert run_sync(jira).status == RunStatus.SUCCEEDED  # nothing linked: no call at all
    assert httpserver.log == []
    roadmap_item_create(title="Linked", jira_key="OPS-7")
    jql = []
    serve_search(httpserver, {None: [issue("OPS-7", "done")]}, jql)
    run = run_sync(jira)
    assert run.updated == 1 and jql == ["key in (OPS-7) ORDER BY updated ASC"]


@pytest.mark.django_db
def test_project_key_is_validated():
    from django.core.exceptions import ValidationError

    from integrations.models import Connection

    connection = Connection(
        name="J", kind="jira", base_url="https://x.atlassian.net", settings={"project_key": 'X" OR'}
    )
    with pytest.raises(ValidationError) as exc:
        connection.full_clean()
    assert "project_key" in str(exc.value)
