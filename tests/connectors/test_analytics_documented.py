"""Segment as its docs describe it: Webhooks (Actions) batches as a bare JSON array signed over
the first event, the classic destination's event without messageId, group/identify/page calls,
and tracks for accounts the portal does not know yet held until the account appears."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.connectors.services import connection_save
from integrations.models import AnalyticsGroupMember, FeatureUsage, HeldEvent, ProcessedMessage
from portal.models import Account
from tests.factories import AccountFactory

from .test_crm_documented import serve_hubspot
from .vendor_fixtures import example

SECRET = "segment-secret"


def js_json(value) -> bytes:
    """What JavaScript's JSON.stringify sends (compact, keys in order, UTF-8)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def sha1(data: bytes, secret=SECRET) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha1).hexdigest()


def deliver(client, connection, body: bytes, signature: str | None):
    headers = {"X-Signature": signature} if signature else {}
    return client.post(
        reverse("hook-analytics", args=[connection.pk]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


def deliver_signed(client, connection, payload):
    body = js_json(payload)
    return deliver(client, connection, body, sha1(body))


@pytest.fixture
def acme(db):
    return AccountFactory(name="Acme", analytics_id="grp-acme")


@pytest.mark.django_db
@pytest.mark.parametrize("signed_over", ["first event", "whole body"])
def test_an_actions_batch_as_a_bare_array_is_taken(client, analytics, acme, signed_over):
    batch = example("segment", "actions_batch")
    body = js_json(batch)
    signature = sha1(js_json(batch[0]) if signed_over == "first event" else body)

    response = deliver(client, analytics, body, signature)

    assert response.status_code == 200, response.content
    counts = response.json()
    assert (counts["created"], counts["grouped"], counts["ignored"], counts["held"]) == (2, 1, 2, 1)
    usage = FeatureUsage.objects.get(account=acme, feature="exports")
    assert (usage.events, usage.users) == (2, 2)  # u-2 counted through its group call
    assert AnalyticsGroupMember.objects.get(user_id="u-2").group_id == "grp-acme"
    held = HeldEvent.objects.get()
    assert (held.account_ref, held.reason) == ("grp-newco", "unknown account 'grp-newco'")


@pytest.mark.django_db
def test_a_batch_signed_with_another_secret_is_refused_and_nothing_stored(client, analytics, acme):
    batch = example("segment", "actions_batch")
    response = deliver(client, analytics, js_json(batch), sha1(js_json(batch[0]), "wrong"))
    assert response.status_code == 401
    assert not ProcessedMessage.objects.exists() and not HeldEvent.objects.exists()
    assert not AnalyticsGroupMember.objects.exists()


@pytest.mark.django_db
def test_the_classic_example_without_message_id_gets_a_stable_key(client, analytics, acme):
    event = example("segment", "webhook_classic_track")
    first = deliver_signed(client, analytics, event)
    again = deliver_signed(client, analytics, {**event, "sentAt": "2012-12-02T00:31:00.000Z"})

    assert first.status_code == 200 and first.json()["created"] == 1
    assert again.status_code == 200 and again.json()["unchanged"] == 1
    message = ProcessedMessage.objects.get()
    assert message.message_id.startswith("content-") and message.account == acme
    assert FeatureUsage.objects.get().events == 1


@pytest.mark.django_db
def test_group_then_track_of_the_spec_examples_counts_for_the_group(client, analytics):
    initech = AccountFactory(name="Initech", analytics_id="0e8c78ea9d97a7b8185e8632")
    grouped = deliver_signed(client, analytics, example("segment", "group"))
    tracked = deliver_signed(client, analytics, example("segment", "track"))

    assert grouped.status_code == 200 and grouped.json()["grouped"] == 1
    assert tracked.status_code == 200 and tracked.json()["created"] == 1
    assert FeatureUsage.objects.get().account == initech
    assert FeatureUsage.objects.get().feature == "Course Clicked"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["identify", "page"])
def test_identify_and_page_are_accepted_and_counted_as_ignored(client, analytics, name):
    response = deliver_signed(client, analytics, example("segment", name))
    assert response.status_code == 200 and response.json()["ignored"] == 1
    assert not FeatureUsage.objects.exists() and not HeldEvent.objects.exists()


@pytest.mark.django_db
def test_a_configured_trait_names_the_account(client, analytics, acme):
    analytics.settings = {"account_trait": "company_id"}
    connection_save(connection=analytics)
    event = example("segment", "track")
    event["context"]["traits"] = {"company_id": "grp-acme"}
    assert deliver_signed(client, analytics, event).json()["created"] == 1
    assert FeatureUsage.objects.get().account == acme


@pytest.mark.django_db
def test_held_events_are_counted_when_the_account_appears_and_shown_meanwhile(
    client, analytics, acme, admin_client
):
    batch = example("segment", "actions_batch")
    deliver_signed(client, analytics, batch)
    page = admin_client.get(reverse("integrations:sync")).content.decode()
    assert "unknown account &#x27;grp-newco&#x27;" in page and "1 held" in page

    newco = AccountFactory(name="NewCo", analytics_id="grp-newco")
    response = deliver_signed(client, analytics, example("segment", "identify"))  # any delivery

    assert response.json()["released"] == 1
    assert FeatureUsage.objects.get(account=newco).events == 1
    assert not HeldEvent.objects.exists()


@pytest.mark.django_db
def test_a_crm_sync_that_creates_the_account_counts_its_held_events(
    client, analytics, crm, httpserver, run_sync
):
    event = example("segment", "track")
    event["context"]["groupId"] = "512"  # HubSpot's Biglytics, not synced yet
    assert deliver_signed(client, analytics, event).json()["held"] == 1

    serve_hubspot(httpserver)
    run_sync(crm)

    biglytics = Account.objects.get(crm_id="512")
    assert FeatureUsage.objects.get().account == biglytics
    assert not HeldEvent.objects.exists()


@pytest.mark.django_db
def test_held_events_are_bounded_and_expire(client, analytics):
    analytics.settings = {"held_max": 2, "held_retention_days": 3}
    connection_save(connection=analytics)
    for n in range(3):
        event = {**example("segment", "track"), "messageId": f"m-{n}"}
        event["context"] = {"groupId": f"grp-{n}"}
        deliver_signed(client, analytics, event)
    assert sorted(HeldEvent.objects.values_list("message_id", flat=True)) == ["m-1", "m-2"]

    HeldEvent.objects.filter(message_id="m-1").update(
        received_at=timezone.now() - dt.timedelta(days=4)
    )
    deliver_signed(client, analytics, example("segment", "page"))
    assert list(HeldEvent.objects.values_list("message_id", flat=True)) == ["m-2"]


@pytest.mark.django_db
def test_bad_holding_limits_are_refused(analytics):
    from django.core.exceptions import ValidationError

    analytics.settings = {"held_max": 0}
    with pytest.raises(ValidationError):
        connection_save(connection=analytics)
