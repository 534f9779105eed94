"""Operations: Prometheus /metrics for staff or a token, one JSON log line per request and per
task, and the request id that follows a task the request enqueued (through a real worker)."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from integrations.models import Connection, SyncRun
from portal.observability.context import request_id_var
from portal.observability.logs import JsonFormatter
from portal.outbox import outbox_record
from tests.factories import PortalAdminFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_metrics_for_staff_or_the_token_only(client, settings, cs_rep):
    settings.METRICS_TOKEN = "scrape-me-please"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    client.force_login(cs_rep)
    assert client.get("/metrics").status_code == 403
    client.logout()
    scraped = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-please")
    assert scraped.status_code == 200 and scraped["Content-Type"].startswith("text/plain")


def test_metrics_count_requests_by_view_and_show_the_backlogs(client, settings):
    settings.METRICS_TOKEN = ""
    admin = PortalAdminFactory(is_staff=True)
    connection_ = Connection.objects.create(kind="crm", name="CRM", base_url="https://x.example")
    SyncRun.objects.create(connection=connection_, status="failed")
    outbox_record(topic="item_shipped", payload={"item_id": 1})
    client.force_login(admin)
    client.get("/roadmap/")
    text = client.get("/metrics").content.decode()
    assert 'portal_http_requests_total{method="GET",status="200",view="roadmap:board"}' in text
    assert 'portal_http_request_duration_seconds_bucket{le="0.01",view="roadmap:board"}' in text
    assert "portal_outbox_pending 1.0" in text
    assert 'portal_sync_runs{kind="crm",status="failed"} 1.0' in text
    assert "portal_queue_depth" in text and "portal_deliveries" in text


def test_one_json_line_per_request_with_its_request_id(client, cs_rep, caplog):
    client.force_login(cs_rep)
    with caplog.at_level(logging.INFO, logger="portal.request"):
        answer = client.get("/roadmap/", HTTP_X_REQUEST_ID="req-abc-12345")
    assert answer["X-Request-ID"] == "req-abc-12345"
    record = next(r for r in caplog.records if r.name == "portal.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-abc-12345"
    assert (line["view"], line["status"], line["method"]) == ("roadmap:board", 200, "GET")
    assert line["user_id"] == cs_rep.pk and line["duration_ms"] >= 0
    # A made-up or hostile id is replaced by a fresh one.
    fresh = client.get("/roadmap/", HTTP_X_REQUEST_ID="<script>")
    assert fresh["X-Request-ID"] != "<script>" and len(fresh["X-Request-ID"]) == 32


def test_an_eager_task_logs_under_the_request_id(settings, caplog):
    from portal.tasks import outbox_relay

    settings.CELERY_TASK_ALWAYS_EAGER = True
    token = request_id_var.set("eager-req-0001")
    try:
        with caplog.at_level(logging.INFO, logger="portal.task"):
            outbox_relay.delay()
    finally:
        request_id_var.reset(token)
    record = next(r for r in caplog.records if r.name == "portal.task")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "eager-req-0001" and line["task"].endswith("outbox_relay")
    assert line["state"] == "SUCCESS"


@pytest.mark.redis
def test_the_request_id_follows_the_task_through_the_broker(transactional_db, settings, tmp_path):
    """A task queued under a request id runs in a real worker, which logs it as JSON under the
    same id."""
    from portal.tasks import outbox_relay

    settings.CELERY_TASK_ALWAYS_EAGER = False
    db = connection.settings_dict
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}"
        + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        + f"@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "LOG_FORMAT": "json",
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
    }
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
             "--without-heartbeat", "--without-mingle", "--without-gossip",
             "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-l", "info"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        token = request_id_var.set("broker-req-0001")
        try:
            outbox_relay.delay()
        finally:
            request_id_var.reset(token)
        deadline = time.monotonic() + 120
        found = None
        while found is None and time.monotonic() < deadline and worker.poll() is None:
            # Tasks other tests left in the queue may run first: look for ours by its id.
            for raw in log.read_text().splitlines():
                if raw.startswith("{") and '"portal.task"' in raw and "broker-req-0001" in raw:
                    found = json.loads(raw)
            if found is None:
                time.sleep(0.2)  # polling the worker's log for the line, not timing anything
        assert found is not None, log.read_text()[-3000:]
        assert found["request_id"] == "broker-req-0001" and found["state"] == "SUCCESS"
        assert found["task"].endswith("outbox_relay")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
