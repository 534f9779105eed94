"""Run bookkeeping: one run per connection, claims with leases, take-over after a dead worker,
the beat's due check."""

import datetime as dt

import pytest
from django.utils import timezone

from integrations.connectors.runs import (
    RunAlreadyActive,
    sync_due,
    sync_run_claim,
    sync_run_request,
)
from integrations.models import ConnectionKind, RunStatus, SyncRun

from .factories import ConnectionFactory


@pytest.fixture
def connection(db):
    return ConnectionFactory(kind=ConnectionKind.CRM, base_url="http://127.0.0.1:9")


@pytest.mark.django_db
def test_one_active_run_per_connection(connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = sync_run_request(connection=connection)
        with pytest.raises(RunAlreadyActive) as exc:
            sync_run_request(connection=connection)
    assert exc.value.run == first
    assert "already syncing" in str(exc.value)
    assert len(callbacks) == 1  # one task enqueued, after commit


@pytest.mark.django_db
def test_a_claimed_run_is_not_claimed_twice_until_its_lease_lapses(connection):
    run = SyncRun.objects.create(connection=connection)
    assert sync_run_claim(run_id=run.pk).attempts == 1
    assert sync_run_claim(run_id=run.pk) is None  # another worker holds the lease
    SyncRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    taken = sync_run_claim(run_id=run.pk)
    assert taken.attempts == 2 and taken.status == RunStatus.RUNNING


@pytest.mark.django_db
def test_finished_runs_are_not_claimed(connection):
    run = SyncRun.objects.create(connection=connection, status=RunStatus.SUCCEEDED)
    assert sync_run_claim(run_id=run.pk) is None


@pytest.mark.django_db
def test_the_old_worker_cannot_write_after_a_take_over(connection):
    from integrations.connectors.runs import PageResult, RunTakenOver, _commit_page

    run = sync_run_claim(run_id=SyncRun.objects.create(connection=connection).pk)
    SyncRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    sync_run_claim(run_id=run.pk)  # the new worker
    with pytest.raises(RunTakenOver):
        _commit_page(run, 1, PageResult(), {"after": "x"})


@pytest.mark.django_db
def test_sync_due_queues_due_connections_and_revives_stale_runs(
    connection, django_capture_on_commit_callbacks
):
    ConnectionFactory(kind=ConnectionKind.JIRA, enabled=False)
    recent = ConnectionFactory(kind=ConnectionKind.CRM, last_synced_at=timezone.now())
    stale_conn = ConnectionFactory(kind=ConnectionKind.JIRA)
    stale = SyncRun.objects.create(
        connection=stale_conn,
        status=RunStatus.RUNNING,
        lease_until=timezone.now() - dt.timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueued = sync_due()
    new = SyncRun.objects.get(connection=connection)
    assert sorted(enqueued) == sorted([new.pk, stale.pk])
    assert not SyncRun.objects.filter(connection=recent).exists()
    assert len(callbacks) == 2
