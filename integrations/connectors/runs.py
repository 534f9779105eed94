"""Sync runs: request one (at most one active per connection), claim it with a conditional UPDATE,
apply it page by page — each page in its own transaction together with the cursor — and finish.

A run that fails keeps every page it applied; the next run resumes from the stored cursor. A run
whose worker died keeps its status ``running`` until its lease lapses; then the redelivered task
(``acks_late``) or the beat's ``connectors-sync-due`` takes it over.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrations.models import Connection, RunKind, RunStatus, SyncRun

from .background import task_on_commit
from .registry import connector_for
from .reports import record_reports_write
from .syncing import PageResult, Syncer
from .transport import TransportError

logger = logging.getLogger(__name__)
COUNTS = ("created", "updated", "unchanged", "failed")
MAX_ERROR_NOTES = 5


class RunTakenOver(Exception):
    """Another worker took the run over (this one's lease lapsed): stop without writing."""


class RunAlreadyActive(Exception):
    def __init__(self, run: SyncRun):
        super().__init__(f"{run.connection.name} is already syncing (run #{run.pk}).")
        self.run = run


def syncer_for(connection: Connection, run: SyncRun) -> Syncer:
    """The connection's own syncer (from the connectors registry): its puller, or its file
    importer for an import run."""
    connector = connector_for(connection.kind)
    syncer = connector.import_syncer if run.kind == RunKind.IMPORT else connector.syncer
    if syncer is None:
        raise TransportError(
            f"{connection.get_kind_display()} has nothing to pull.", permanent=True
        )
    return syncer(connection, run)


def sync_run_request(
    *, connection: Connection, actor=None, kind: str = RunKind.PULL, **fields
) -> SyncRun:
    """Queue a run for ``connection`` and enqueue its task after commit. Raises
    :class:`RunAlreadyActive` when one is queued or running (one run per connection)."""
    if kind == RunKind.PULL and not connection.is_pull:
        raise ValueError(f"{connection.get_kind_display()} connections are not pulled.")
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                connection=connection, kind=kind, triggered_by=actor, **fields
            )
    except IntegrityError:
        active = SyncRun.objects.active().filter(connection=connection).first()
        if active is None:  # finished in between: try once more
            return sync_run_request(connection=connection, actor=actor, kind=kind, **fields)
        raise RunAlreadyActive(active) from None
    task_on_commit("connection_sync", run.pk)
    return run


def sync_run_claim(*, run_id: int) -> SyncRun | None:
    """Take the run for this worker: queued, or running with a lapsed lease. ``None`` when
    another worker holds it or it is finished."""
    now = timezone.now()
    claimed = (
        SyncRun.objects.filter(pk=run_id)
        .filter(
            Q(status=RunStatus.QUEUED)
            | Q(status=RunStatus.RUNNING, lease_until__lt=now)
            | Q(status=RunStatus.RUNNING, lease_until__isnull=True)
        )
        .update(
            status=RunStatus.RUNNING,
            lease_until=now + _lease(),
            attempts=F("attempts") + 1,
            started_at=Coalesce(F("started_at"), Value(now, output_field=DateTimeField())),
        )
    )
    if not claimed:
        return None
    return SyncRun.objects.select_related("connection").get(pk=run_id)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CONNECTOR_RUN_LEASE_SECONDS)


def sync_run_execute(*, run_id: int) -> SyncRun | None:
    """Claim and carry out a run. Returns the finished run, or ``None`` if it was not ours."""
    run = sync_run_claim(run_id=run_id)
    if run is None:
        return None
    connection = run.connection
    attempt = run.attempts
    notes: list[str] = []
    try:
        syncer = syncer_for(connection, run)
        for page in syncer.pages():
            with transaction.atomic():
                result = syncer.apply(page)
                _commit_page(run, attempt, result, page.cursor)
                syncer.cursor = page.cursor
            notes.extend(result.notes)
        with transaction.atomic():
            cursor = syncer.finish()
            _commit_page(run, attempt, PageResult(), cursor, count_page=False)
            _finish(run, attempt, RunStatus.SUCCEEDED, _notes_text(notes))
    except RunTakenOver:
        logger.warning("sync run %s was taken over by another worker", run_id)
        return None
    except TransportError as exc:
        _finish(run, attempt, RunStatus.FAILED, str(exc) + _notes_text(notes, prefix=" "))
    except Exception as exc:
        logger.exception("sync run %s failed", run_id)
        _finish(run, attempt, RunStatus.FAILED, f"Unexpected error: {type(exc).__name__}: {exc}")
    run.refresh_from_db()
    return run


def _commit_page(run, attempt, result: PageResult, cursor: dict, *, count_page=True) -> None:
    changes = {name: F(name) + result.counts.get(name, 0) for name in COUNTS}
    if count_page:
        changes["pages"] = F("pages") + 1
    updated = SyncRun.objects.filter(pk=run.pk, attempts=attempt, status=RunStatus.RUNNING).update(
        cursor=cursor, lease_until=timezone.now() + _lease(), **changes
    )
    if not updated:
        raise RunTakenOver
    record_reports_write(connection_id=run.connection_id, run_id=run.pk, reports=result.reports)
    if run.kind == RunKind.PULL:  # an import's cursor is its file's, not the connection's
        Connection.objects.filter(pk=run.connection_id).update(cursor=cursor)


def _finish(run, attempt, status: str, error: str) -> None:
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk, attempts=attempt).update(
        status=status, finished_at=now, lease_until=None, error=error[:4000]
    )
    if status == RunStatus.SUCCEEDED:
        Connection.objects.filter(pk=run.connection_id).update(last_synced_at=now)


def _notes_text(notes: list[str], prefix: str = "") -> str:
    if not notes:
        return ""
    shown = "; ".join(notes[:MAX_ERROR_NOTES])
    more = f" (and {len(notes) - MAX_ERROR_NOTES} more)" if len(notes) > MAX_ERROR_NOTES else ""
    return f"{prefix}{len(notes)} record(s) skipped: {shown}{more}."


def sync_due(*, now=None) -> list[int]:
    """Queue a run for every enabled pull connection that is due, and re-enqueue runs whose
    worker vanished (lease lapsed). Returns the run ids enqueued."""
    now = now or timezone.now()
    enqueued = []
    active = set(SyncRun.objects.active().values_list("connection_id", flat=True))
    for connection in Connection.objects.enabled().pulling():
        if connection.pk in active or not connection.is_due(now):
            continue
        try:
            enqueued.append(sync_run_request(connection=connection).pk)
        except RunAlreadyActive:
            continue
    stale = SyncRun.objects.filter(
        Q(status=RunStatus.RUNNING, lease_until__lt=now)
        | Q(status=RunStatus.QUEUED, created_at__lt=now - _lease())
    ).values_list("pk", flat=True)
    for run_id in stale:
        task_on_commit("connection_sync", run_id)
        enqueued.append(run_id)
    return enqueued
