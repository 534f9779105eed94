"""Segment track events: the signed webhook and the JSON-lines import, idempotent on messageId."""

import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from integrations.models import (
    FeatureUsage,
    HeldEvent,
    ProcessedMessage,
    RunKind,
    RunStatus,
    SyncRun,
)
from tests.factories import AccountFactory


def track(
    message_id, *, group="grp-acme", feature="dashboards", user="u1", ts="2026-11-20T09:30:00Z"
):
    return {
        "type": "track",
        "event": "Feature Used",
        "userId": user,
        "messageId": message_id,
        "timestamp": ts,
        "properties": {"feature": feature, "plan": "enterprise"},
        "context": {"groupId": group, "library": {"name": "analytics.js", "version": "2.11.1"}},
        "receivedAt": "2026-11-20T09:30:01.000Z",
        "sentAt": "2026-11-20T09:30:00.500Z",
    }


def sha1(body: bytes, secret="segment-secret") -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def post(client, connection, payload, signature="auto"):
    body = json.dumps(payload).encode()
    headers = {}
    if signature == "auto":
        headers["X-Signature"] = sha1(body)
    elif signature is not None:
        headers["X-Signature"] = signature
    return client.post(
        reverse("hook-analytics", args=[connection.pk]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def acme(db):
    return AccountFactory(name="Acme", analytics_id="grp-acme")


@pytest.mark.django_db
def test_track_webhook_counts_daily_usage_once_per_message(client, analytics, acme):
    assert post(client, analytics, track("m-1")).status_code == 200
    assert post(client, analytics, track("m-2", user="u2")).status_code == 200
    replay = post(client, analytics, track("m-1"))
    assert replay.status_code == 200 and replay.json()["unchanged"] == 1

    usage = FeatureUsage.objects.get()
    assert (usage.account, usage.feature, str(usage.day)) == (acme, "dashboards", "2026-11-20")
    assert (usage.events, usage.users) == (2, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("signature", [None, "0" * 40, "sha1=abc"], ids=str)
def test_bad_or_missing_signature_stores_nothing(client, analytics, acme, signature):
    response = post(client, analytics, track("m-1"), signature=signature)
    assert response.status_code == 401
    assert not FeatureUsage.objects.exists() and not ProcessedMessage.objects.exists()


@pytest.mark.django_db
def test_unknown_account_is_held_and_a_bad_event_is_a_400_naming_it(client, analytics, acme):
    response = post(client, analytics, track("m-9", group="grp-nobody"))
    assert response.status_code == 200 and response.json()["held"] == 1
    assert HeldEvent.objects.get().reason == "unknown account 'grp-nobody'"
    response = post(client, analytics, {"type": "track", "messageId": "m-10"})
    assert response.status_code == 400 and "no event name" in response.json()["detail"]
    assert not FeatureUsage.objects.exists()


@pytest.mark.django_db
def test_account_from_crm_id_and_feature_falls_back_to_event_name(client, analytics):
    account = AccountFactory(crm_id="CRM-7")
    event = track("m-1", group="CRM-7")
    del event["properties"]["feature"]
    post(client, analytics, event)
    assert FeatureUsage.objects.get().feature == "Feature Used"
    assert FeatureUsage.objects.get().account == account


def jsonl(*events, extra=""):
    return ("\n".join(json.dumps(e) for e in events) + "\n" + extra).encode()


@pytest.mark.django_db
def test_import_command_is_idempotent(analytics, acme, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "events.jsonl"
    path.write_bytes(
        jsonl(track("m-1"), track("m-2", feature="reports"), track("m-1"), extra="{broken\n")
    )
    out = StringIO()
    call_command("import_analytics", str(analytics.pk), str(path), stdout=out)
    assert "2 new, 1 already imported, 1 failed" in out.getvalue()
    assert "line 4: not JSON" in out.getvalue()

    out = StringIO()
    call_command("import_analytics", analytics.name, str(path), stdout=out)
    assert "0 new, 3 already imported" in out.getvalue()
    assert FeatureUsage.objects.count() == 2
    assert sum(FeatureUsage.objects.values_list("events", flat=True)) == 2


@pytest.mark.django_db
def test_import_resumes_from_the_byte_offset(analytics, acme, tmp_path, settings, monkeypatch):
    from integrations.connectors.analytics import sync
    from integrations.connectors.runs import sync_run_execute
    from integrations.connectors.services import analytics_import_start

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(sync, "LINES_PER_PAGE", 2)
    events = [track(f"m-{n}") for n in range(5)]
    (tmp_path / "e.jsonl").write_bytes(jsonl(*events))
    run = analytics_import_start(connection=analytics, name="e.jsonl", size=100)
    # As if a first worker applied two pages and died: resume from its stored cursor.
    first_two = len(jsonl(*events[:4]))
    SyncRun.objects.filter(pk=run.pk).update(cursor={"offset": first_two, "line": 4})
    finished = sync_run_execute(run_id=run.pk)
    assert finished.status == RunStatus.SUCCEEDED
    assert finished.created == 1  # only the fifth line was read
    assert ProcessedMessage.objects.get().message_id == "m-4"


@pytest.mark.django_db
def test_upload_queues_an_import_and_refuses_big_files(
    client_for,
    portal_admin,
    cs_rep,
    analytics,
    acme,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    settings.CONNECTOR_IMPORT_MAX_BYTES = 2000
    url = reverse("integrations:analytics-import", args=[analytics.pk])
    big = SimpleUploadedFile("big.jsonl", b"x" * 2001)
    response = client_for(portal_admin).post(url, {"file": big}, follow=True)
    assert "the limit is" in response.content.decode()
    assert not SyncRun.objects.exists()

    small = SimpleUploadedFile("events.jsonl", jsonl(track("m-1")))
    with django_capture_on_commit_callbacks(execute=settings.CELERY_TASK_ALWAYS_EAGER):
        response = client_for(portal_admin).post(url, {"file": small})
    assert response.status_code == 302
    run = SyncRun.objects.get()
    assert run.kind == RunKind.IMPORT and run.source_size == small.size

    client_for(cs_rep)
    denied = client_for(cs_rep).post(url, {"file": SimpleUploadedFile("e.jsonl", b"{}")})
    assert denied.status_code == 403
