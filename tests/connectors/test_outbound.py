"""Outbound deliveries: outbox events → signed webhooks and Slack messages, retried with
backoff, dead-lettered, redelivered."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from werkzeug import Response

from integrations.connectors.outbound.deliveries import (
    backoff_delay,
    deliveries_dispatch_due,
    delivery_attempt,
)
from integrations.models import ConnectionKind, Delivery, DeliveryStatus
from portal.outbox import outbox_record, outbox_relay_batch
from roadmap.choices import ItemStatus
from roadmap.services import roadmap_item_create, roadmap_item_set_status

from .factories import ConnectionFactory

SECRET = b"outbound-secret"


@pytest.fixture
def endpoint(db, httpserver):
    return ConnectionFactory(
        name="Ops webhook",
        kind=ConnectionKind.WEBHOOK,
        base_url=httpserver.url_for("/receive"),
        secret_env="CONNECTOR_TEST_OUTBOUND_SECRET",
        settings={"events": ["item_shipped", "feedback_submitted"]},
    )


@pytest.fixture
def slack(db, httpserver):
    return ConnectionFactory(
        name="#launches",
        kind=ConnectionKind.SLACK,
        base_url=httpserver.url_for("/services/T000/B000/XXXX"),
        settings={"events": ["item_shipped"]},
    )


def verifying_receiver(received):
    """A receiver that checks the signature like a customer's endpoint would."""

    def handler(request):
        timestamp = request.headers["X-Portal-Timestamp"]
        expected = (
            "sha256="
            + hmac.new(
                SECRET, timestamp.encode() + b"." + request.get_data(), hashlib.sha256
            ).hexdigest()
        )
        if not hmac.compare_digest(expected, request.headers["X-Portal-Signature"]):
            return Response("bad signature", status=401)
        if abs(int(timestamp) - timezone.now().timestamp()) > 300:
            return Response("stale", status=401)
        received.append((request.headers["X-Portal-Event"], json.loads(request.get_data())))
        return Response("", status=204)

    return handler


def ship_item():
    item = roadmap_item_create(title="SSO for sandboxes", status=ItemStatus.IN_PROGRESS)
    roadmap_item_set_status(item=item, status=ItemStatus.SHIPPED)
    outbox_relay_batch()  # what the relay task does
    return item


def send_all():
    for pk in Delivery.objects.values_list("pk", flat=True):
        delivery_attempt(delivery_id=pk)


@pytest.mark.django_db
def test_shipped_item_reaches_the_webhook_signed_and_slack(endpoint, slack, httpserver):
    received, slack_messages = [], []
    httpserver.expect_request("/receive", method="POST").respond_with_handler(
        verifying_receiver(received)
    )

    def slack_handler(request):
        slack_messages.append(json.loads(request.get_data()))
        return Response("ok")

    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_handler(slack_handler)
    item = ship_item()
    assert Delivery.objects.count() == 2
    send_all()

    assert [topic for topic, _ in received] == ["item_shipped"]
    body = received[0][1]
    assert body["topic"] == "item_shipped" and body["data"]["item_id"] == item.pk
    assert slack_messages == [
        {"text": "*Shipped*: SSO for sandboxes\nprevious status: in_progress"}
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


@pytest.mark.django_db
def test_only_subscribed_enabled_endpoints_get_deliveries(endpoint, slack):
    ConnectionFactory(
        kind=ConnectionKind.WEBHOOK,
        base_url="http://127.0.0.1:9/",
        settings={"events": ["item_shipped"]},
        enabled=False,
    )
    outbox_record(topic="vote_cast", payload={"item_id": 1})
    outbox_record(topic="feedback_submitted", payload={"title": "Export to CSV"})
    outbox_relay_batch()
    assert list(Delivery.objects.values_list("connection__name", "topic")) == [
        ("Ops webhook", "feedback_submitted")
    ]
    # The relay offering the event again (a handler failed elsewhere) creates nothing twice.
    from portal.outbox import subscribers_for

    event = Delivery.objects.get().event
    for handler in subscribers_for(event.topic):
        handler(event)
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_receiver_down_gets_backoff_retries_then_a_dead_letter(endpoint, httpserver, settings):
    settings.CONNECTOR_DELIVERY_MAX_ATTEMPTS = 3
    httpserver.expect_request("/receive").respond_with_data("unavailable", status=503)
    ship_item()
    delivery = Delivery.objects.get()

    waits = []
    for _ in range(3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        delivery = delivery_attempt(delivery_id=delivery.pk)
        waits.append((delivery.next_attempt_at - before).total_seconds())

    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 3 and delivery.dead_lettered_at
    assert delivery.last_status_code == 503
    assert "Attempt 3" in delivery.last_error and "HTTP 503" in delivery.last_error
    # Attempts 1 and 2 were rescheduled with growing waits (30 s, then 60 s, each half jittered).
    assert 15 <= waits[0] <= 30 and 30 <= waits[1] <= 60
    assert deliveries_dispatch_due() == 0  # a dead letter is not sent again by itself


@pytest.mark.django_db
def test_not_yet_due_delivery_is_not_sent(endpoint, httpserver):
    ship_item()
    Delivery.objects.update(next_attempt_at=timezone.now() + dt.timedelta(minutes=5))
    assert delivery_attempt(delivery_id=Delivery.objects.get().pk) is None
    assert httpserver.log == []


@pytest.mark.django_db
def test_permanent_refusal_dead_letters_at_once(endpoint, httpserver):
    httpserver.expect_request("/receive").respond_with_data("gone", status=410)
    ship_item()
    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 1


@pytest.mark.django_db
def test_redeliver_a_dead_letter_from_the_sync_page(
    client_for, portal_admin, pm, endpoint, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/receive").respond_with_data("gone", status=404)
    ship_item()
    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)
    assert delivery.status == DeliveryStatus.DEAD

    page = client_for(portal_admin).get(reverse("integrations:sync") + "?deliveries=dead")
    assert "HTTP 404" in page.content.decode() and "Redeliver" in page.content.decode()

    url = reverse("integrations:delivery-redeliver", args=[delivery.pk])
    assert client_for(pm).post(url).status_code == 403
    httpserver.clear()
    received = []
    httpserver.expect_request("/receive").respond_with_handler(verifying_receiver(received))
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(portal_admin).post(url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert deliveries_dispatch_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(received) == 1


def test_backoff_grows_exponentially_with_jitter_and_is_capped(settings):
    settings.CONNECTOR_DELIVERY_BACKOFF = 10
    settings.CONNECTOR_DELIVERY_MAX_BACKOFF = 100
    for attempts, cap in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        delays = {backoff_delay(attempts).total_seconds() for _ in range(20)}
        assert all(cap / 2 <= d <= cap for d in delays), (attempts, delays)
        assert len(delays) > 1  # jittered


@pytest.mark.parametrize(
    ("topic", "payload", "text"),
    [
        (
            "vote_cast",
            {"item": "Bulk export", "account": "Acme", "expected_health_impact": "high"},
            "*Vote cast*: Bulk export\naccount: Acme\nexpected health impact: high",
        ),
        (
            "roadmap_priority_changed",
            {"title": "SSO", "previous_rank": 4, "rank": 1, "score": "12.5"},
            "*Roadmap priorities changed*: SSO\nprevious rank: 4\nrank: 1",
        ),
        (
            "feedback_submitted",
            {"title": "CSV export", "account": "Globex", "category": "bug", "impact": "high"},
            "*New feedback*: CSV export\naccount: Globex\ncategory: bug\nimpact: high",
        ),
    ],
)
def test_slack_text_per_topic(topic, payload, text):
    from integrations.connectors.outbound.messages import slack_text
    from portal.models import OutboxEvent

    assert slack_text(OutboxEvent(topic=topic, payload=payload)) == text
