"""Outbound delivery throughput to a local receiver (figures, not a timed test).

The receiver (``tests/connectors/receiver.py``) runs in a process of its own, speaks HTTP/1.1 with
keep-alive, checks every signature and counts what it accepted per delivery id; the run fails if
any delivery is missing or arrived twice. Two figures:

- **send**: deliveries already created (the relay ran with sending held back), then
  ``deliveries_dispatch_due`` sends them all: claim, sign, POST, record.
- **relay + send**: outbox events → the relay creates the deliveries → sent after the commit
  (eager Celery, as the embedded default runs it).
- **one at a time**: ``delivery_attempt`` per delivery (a claim, a request and a write each), the
  shape of sending before the pool, on a quarter of the count.

Beside each wall-clock rate, the CPU this process spent per delivery (all its threads): on a
machine shared with other work that is the figure that says what one core sustains.

``BENCH_DELIVERIES`` sets the count (default 2,000)::

    DATABASE_URL=postgres://… .venv/bin/pytest tests/perf/test_delivery_bench.py -s \\
        -p no:cacheprovider -o addopts=""
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from integrations.connectors.outbound.deliveries import deliveries_dispatch_due, delivery_attempt
from integrations.models import ConnectionKind, Delivery, DeliveryStatus
from portal.models import OutboxEvent
from portal.outbox import outbox_relay_batch
from tests.connectors.factories import ConnectionFactory

COUNT = int(os.environ.get("BENCH_DELIVERIES", "2000"))
SECRET = "bench-delivery-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.connectors.receiver", str(port), SECRET],
        stdout=subprocess.PIPE,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    base = process.stdout.readline().strip()  # printed once it listens
    yield base
    process.terminate()
    process.wait(10)


def _stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/stats", timeout=10) as response:
        return json.loads(response.read())


def _events(n: int) -> None:
    OutboxEvent.objects.bulk_create(
        [OutboxEvent(topic="vote_cast", payload={"item_id": i, "rank": i % 50}) for i in range(n)]
    )


@pytest.fixture(autouse=True)
def _env(monkeypatch, settings):
    monkeypatch.setenv("CONNECTOR_BENCH_DELIVERY_SECRET", SECRET)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = True  # the receiver listens on 127.0.0.1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bench_deliveries_per_second(receiver):
    ConnectionFactory(
        name="Bench receiver",
        kind=ConnectionKind.WEBHOOK,
        base_url=f"{receiver}/hook",
        secret_env="CONNECTOR_BENCH_DELIVERY_SECRET",
        settings={"events": ["vote_cast"]},
    )
    load = os.getloadavg()[0]

    # Send: the deliveries exist; time claiming, signing, sending and recording them.
    _events(COUNT)
    with transaction.atomic():
        outbox_relay_batch(limit=COUNT)
        # Drop the sending queued for the commit: this figure is the send path alone.
        transaction.get_connection().run_on_commit = []
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == COUNT
    started, cpu = time.perf_counter(), time.process_time()
    while deliveries_dispatch_due(limit=COUNT):
        pass
    send_s, send_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == COUNT

    # Relay + send: events to deliveries to POSTs, sent after the relay's commit.
    _events(COUNT)
    started, cpu = time.perf_counter(), time.process_time()
    while outbox_relay_batch(limit=500):
        pass
    while deliveries_dispatch_due(limit=COUNT):
        pass
    relay_s, relay_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2 * COUNT

    # One at a time, as before the pool (one claim, one request, one write per delivery).
    single = COUNT // 4
    _events(single)
    with transaction.atomic():
        outbox_relay_batch(limit=single)
        transaction.get_connection().run_on_commit = []
    pending = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True)
    )
    started, cpu = time.perf_counter(), time.process_time()
    for pk in pending:
        delivery_attempt(delivery_id=pk)
    one_s, one_cpu = time.perf_counter() - started, time.process_time() - cpu
    total = 2 * COUNT + single
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == total

    stats = _stats(receiver)
    accepted = stats["accepted"]
    assert len(accepted) == total and set(accepted.values()) == {1}, "lost or sent twice"

    def line(label, n, wall, cpu):
        return (
            f"  {label}: {n} in {wall:.2f} s = {n / wall:,.0f}/s; CPU of this process "
            f"{cpu * 1000 / n:.2f} ms per delivery (= {n / cpu:,.0f}/s per core)\n"
        )

    print(
        "\noutbound deliveries to a local receiver (own process, HTTP/1.1 keep-alive):\n"
        + line("pool: send (claim, sign, POST, record)", COUNT, send_s, send_cpu)
        + line("pool: relay + send (outbox → deliveries → POST)", COUNT, relay_s, relay_cpu)
        + line("one at a time (delivery_attempt per delivery)", single, one_s, one_cpu)
        + f"  receiver: {stats['requests']} requests on {stats['connections']} connections, "
        f"at most {stats['max_in_flight']} at once; every delivery accepted exactly once\n"
        f"  load average at the start: {load:.1f} (2 cores)"
    )
