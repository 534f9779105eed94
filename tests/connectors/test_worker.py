"""Reliability with the real stack: a Celery worker process on Redis, killed with SIGKILL in the
middle of a sync; a second worker gets the unacknowledged task back (acks_late, a short
visibility timeout), takes the run over once its lease lapses and finishes it from the cursor."""

import json
import os
import signal
import subprocess
import threading

import pytest
from django.conf import settings
from werkzeug import Response

from integrations.connectors.runs import sync_run_request
from integrations.models import ConnectionKind, RunStatus, SyncRun
from portal.models import Account
from tests import celery_worker
from tests.celery_worker import stop

from .factories import ConnectionFactory
from .test_crm import LIST, company, page

# Short redelivery times: the killed worker's task comes back within seconds.
FAST_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "CONNECTOR_RUN_LEASE_SECONDS": "2",
    "CONNECTOR_HTTP_TIMEOUT": "60",
    "CONNECTOR_HTTP_BACKOFF": "0",
}


def start_celery(*args: str, **extra_env: str) -> subprocess.Popen:
    return celery_worker.start_celery(*args, **{**FAST_REDELIVERY, **extra_env})


def start_worker(**extra_env: str) -> subprocess.Popen:
    return celery_worker.start_worker(**{**FAST_REDELIVERY, **extra_env})


def wait_for(condition, *, seconds=90) -> bool:
    return celery_worker.wait_for(condition, seconds=seconds)


def purge_queue() -> None:
    from portal.celery import app

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete(settings.CELERY_TASK_DEFAULT_QUEUE, "unacked", "unacked_index")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_sync_loses_nothing(httpserver, real_broker):
    purge_queue()
    page_two_asked = threading.Event()
    release = threading.Event()
    requests_by_after: dict[str | None, int] = {}

    def handler(request):
        if request.args.get("archived") == "true":  # the archived-objects listing: none here
            return Response(json.dumps({"results": []}), content_type="application/json")
        after = request.args.get("after")
        requests_by_after[after] = requests_by_after.get(after, 0) + 1
        if after is None:
            body = page([company(1), company(2)], after="2")
        elif after == "2":
            if not release.is_set():
                page_two_asked.set()
                release.wait(60)  # the first worker hangs here until it is killed
            body = page([company(3)], after="4")
        else:
            body = page([company(4)])
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(LIST).respond_with_handler(handler)
    crm = ConnectionFactory(
        name="HubSpot",
        kind=ConnectionKind.CRM,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_TEST_HUBSPOT_TOKEN",
    )
    first = start_worker()
    second = None
    try:
        run = sync_run_request(connection=crm)  # enqueued straight away: no open transaction
        assert page_two_asked.wait(60), "the first worker never reached page 2"
        run.refresh_from_db()
        assert (run.status, run.pages, run.created) == (RunStatus.RUNNING, 1, 2), run.error

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        release.set()

        second = start_worker()
        assert wait_for(
            lambda: SyncRun.objects.get(pk=run.pk).status not in (RunStatus.RUNNING, "queued")
        ), "the run was never finished"
    finally:
        release.set()
        stop(first)
        if second is not None:
            stop(second)

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.attempts == 2  # taken over once
    assert (run.pages, run.created, run.updated, run.unchanged) == (
        4,
        4,
        0,
        0,
    )  # three pages and the archived listing
    assert sorted(Account.objects.values_list("crm_id", flat=True)) == [
        "1001",
        "1002",
        "1003",
        "1004",
    ]
    # The first page was applied once and never fetched again: the cursor had moved past it.
    assert requests_by_after[None] == 1
