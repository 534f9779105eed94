"""Outbound events survive a Redis outage: changes made while Redis is down only write outbox
rows (no request waits for the broker); once Redis is back the beat's relay turns them into
deliveries and the worker sends each one exactly once."""

import hashlib
import hmac
import json
import socket
import subprocess

import pytest
from django.utils import timezone
from werkzeug import Response

from integrations.models import ConnectionKind, Delivery, DeliveryStatus
from portal.models import OutboxEvent
from roadmap.choices import ItemStatus
from roadmap.services import roadmap_item_create, roadmap_item_set_status

from .factories import ConnectionFactory
from .test_worker import start_celery, start_worker, stop, wait_for


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for(lambda: _answers(port), seconds=20), "redis-server did not start"
    return process


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_outbox_events_are_delivered_once_after_a_redis_outage(httpserver, tmp_path):
    received: list[str] = []

    def receiver(request):
        timestamp = request.headers["X-Portal-Timestamp"]
        expected = (
            "sha256="
            + hmac.new(
                b"outbound-secret", timestamp.encode() + b"." + request.get_data(), hashlib.sha256
            ).hexdigest()
        )
        if not hmac.compare_digest(expected, request.headers["X-Portal-Signature"]):
            return Response("bad signature", status=401)
        received.append(request.headers["X-Portal-Delivery"])
        assert json.loads(request.get_data())["topic"] == "item_shipped"
        return Response("", status=204)

    httpserver.expect_request("/receive").respond_with_handler(receiver)
    ConnectionFactory(
        name="Ops webhook",
        kind=ConnectionKind.WEBHOOK,
        base_url=httpserver.url_for("/receive"),
        secret_env="CONNECTOR_TEST_OUTBOUND_SECRET",
        settings={"events": ["item_shipped"]},
    )
    items = [
        roadmap_item_create(title=f"Item {n}", status=ItemStatus.IN_PROGRESS) for n in range(3)
    ]
    port = spare_port()
    redis = start_redis(port)
    broker = {"REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    worker = start_worker(**broker)
    beat = None
    try:
        redis.terminate()
        redis.wait(timeout=10)
        assert not _answers(port)

        started = timezone.now()
        for item in items:  # what a request does: commit the change and its outbox row
            roadmap_item_set_status(item=item, status=ItemStatus.SHIPPED)
        assert (timezone.now() - started).total_seconds() < 5, "a change waited for Redis"
        assert OutboxEvent.objects.filter(topic="item_shipped", dispatched_at=None).count() == 3

        redis = start_redis(port)
        beat = start_celery(  # sends the outbox relay every few seconds, as in production
            "beat", "--schedule", str(tmp_path / "beat-schedule"), **broker
        )
        assert wait_for(lambda: len(received) >= 3, seconds=120), f"received {received}"
        assert wait_for(
            lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3
        )
    finally:
        for process in (beat, worker):
            if process is not None:
                stop(process)
        redis.terminate()
        redis.wait(timeout=10)

    assert sorted(received) == sorted(
        str(pk)
        for pk in OutboxEvent.objects.filter(topic="item_shipped").values_list("pk", flat=True)
    )
    assert not OutboxEvent.objects.filter(dispatched_at=None).exists()
