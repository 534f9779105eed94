"""Use cases of the connectors: save a connection, sync it now, import a file, receive a webhook,
request (and carry out) the Jira issue of a roadmap item. Runs live in runs.py, deliveries in
outbound/deliveries.py. Views, API views, webhooks, tasks and the admin call these."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from integrations.models import (
    Connection,
    ConnectionKind,
    JiraIssueRequest,
    JiraIssueRequestStatus,
    RunKind,
    SyncRun,
    WebhookReceipt,
)
from roadmap.models import RoadmapItem

from .analytics.sync import AnalyticsImportSyncer, held_events_release, usage_apply_events
from .background import task_on_commit
from .jira.client import JiraClient
from .jira.sync import jira_issue_apply
from .reports import record_reports_write
from .runs import RunAlreadyActive, sync_run_request
from .syncing import PageResult
from .transport import TransportError

logger = logging.getLogger(__name__)


# --- Connections and runs -----------------------------------------------------------------------


@transaction.atomic
def connection_save(*, connection: Connection, actor=None) -> Connection:
    connection.full_clean()
    if actor is not None:
        connection._history_user = actor
    connection.save()
    return connection


def connection_sync_now(*, connection: Connection, actor=None) -> SyncRun:
    """Queue a pull now. Raises ``ValidationError`` (disabled, or a kind that is not pulled) or
    :class:`~integrations.connectors.runs.RunAlreadyActive`."""
    if not connection.enabled:
        raise ValidationError({"connection": f"{connection.name} is disabled."})
    if not connection.is_pull:
        raise ValidationError(
            {"connection": f"{connection.get_kind_display()} connections are not pulled."}
        )
    return sync_run_request(connection=connection, actor=actor)


def analytics_import_start(*, connection: Connection, name: str, size: int, actor=None) -> SyncRun:
    """Queue the import of a stored JSON-lines file (see forms.AnalyticsImportForm)."""
    if connection.connector.import_syncer is None:
        raise ValidationError("Only analytics connections import event files.")
    return sync_run_request(
        connection=connection,
        actor=actor,
        kind=RunKind.IMPORT,
        source_file=name,
        source_size=size,
        cursor={"offset": 0, "line": 0},
    )


def analytics_import_upload(*, connection: Connection, upload, actor=None) -> SyncRun:
    """Store an uploaded events file and queue its import; the file is removed again when the
    connection is already busy (:class:`RunAlreadyActive` propagates)."""
    name = default_storage.save(
        AnalyticsImportSyncer.stored_name(connection.pk, upload.name), upload
    )
    try:
        return analytics_import_start(
            connection=connection, name=name, size=upload.size, actor=actor
        )
    except (RunAlreadyActive, ValidationError):
        default_storage.delete(name)
        raise


# --- Inbound webhooks ---------------------------------------------------------------------------


def webhook_receipt_record(*, connection: Connection, delivery_id: str, event: str) -> bool:
    """Remember an inbound delivery by its id; ``False`` when it was already received (a replay).
    Runs in the caller's transaction (its own savepoint)."""
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(
                connection=connection, delivery_id=delivery_id[:200], event=event[:80]
            )
    except IntegrityError:
        return False
    return True


JIRA_APPLIED_EVENTS = ("jira:issue_created", "jira:issue_updated")


@transaction.atomic
def jira_webhook_receive(
    *, connection: Connection, event: str, issue: dict | None, delivery_id: str
) -> str:
    """A Jira webhook delivery, recorded once by its id. ``jira:issue_created`` and
    ``jira:issue_updated`` are applied like a pulled issue (a status "done" ships the item); an
    issue that cannot be applied is reported (``skipped``) and its stamp not stored;
    ``jira:issue_deleted`` is reported; other events are recorded and ignored. Returns
    ``duplicate``, ``updated``, ``unchanged``, ``skipped``, ``reported`` or ``ignored``."""
    if not webhook_receipt_record(connection=connection, delivery_id=delivery_id, event=event):
        return "duplicate"
    key = str((issue or {}).get("key") or "")
    if event in JIRA_APPLIED_EVENTS:
        outcome, reason = jira_issue_apply(connection=connection, issue=issue)
        if outcome == "skipped":
            record_reports_write(
                connection_id=connection.pk,
                run_id=None,
                reports=[("skipped", key, f"webhook {event}: {reason}")],
            )
        return outcome
    if event == "jira:issue_deleted":
        linked = RoadmapItem.objects.filter(jira_key=key).first() if key else None
        note = (
            f"deleted in Jira; item “{linked.title}” keeps the key"
            if linked
            else ("deleted in Jira; no item is linked to it")
        )
        record_reports_write(
            connection_id=connection.pk, run_id=None, reports=[("reported", key, note)]
        )
        return "reported"
    return "ignored"


@transaction.atomic
def analytics_events_receive(*, connection: Connection, events: list) -> PageResult:
    """Segment calls from the webhook, counted once each by ``messageId`` (the
    ``ProcessedMessage`` ledger is the receipt); tracks for an unknown account are held, and held
    events whose account is now known are counted."""
    result = usage_apply_events(connection=connection, events=events)
    released = held_events_release(connection=connection)
    if released:
        result.counts["released"] += released
    return result


# --- Jira issues for roadmap items --------------------------------------------------------------


def item_url(item: RoadmapItem) -> str:
    """The item's page, or the roadmap board while the item page is not installed."""
    for build in (item.get_absolute_url, lambda: reverse("roadmap:board")):
        try:
            return build()
        except NoReverseMatch:
            continue
    return "/"


def jira_connection() -> Connection | None:
    return Connection.objects.enabled().filter(kind=ConnectionKind.JIRA).order_by("pk").first()


def _jira_connection_checked() -> Connection:
    connection = jira_connection()
    if connection is None:
        raise ValidationError("No enabled Jira connection is configured.")
    if not connection.settings.get("project_key"):
        raise ValidationError(f"Set project_key in the settings of {connection.name}.")
    return connection


@transaction.atomic
def jira_issue_request(*, item: RoadmapItem, actor=None) -> JiraIssueRequest:
    """Ask for the item's Jira issue: records the request ("creating…") and queues the
    ``jira_issue_create`` task, which calls Jira outside any lock. Refuses when the item is already
    linked; a second click while the request is pending queues nothing more; a failed request is
    tried again."""
    _jira_connection_checked()
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if item.jira_key:
        raise ValidationError(f"This item is already linked to {item.jira_key}.")
    request, created = JiraIssueRequest.objects.select_for_update().get_or_create(
        item=item, defaults={"requested_by": actor}
    )
    if not created:
        if request.is_pending:
            return request
        request.status = JiraIssueRequestStatus.PENDING
        request.requested_by = actor
        request.error = ""
        request.claimed_until = None
        request.full_clean()
        request.save()
    task_on_commit("jira_issue_create", request.pk)
    return request


def _claim_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CONNECTOR_RUN_LEASE_SECONDS)


def jira_issue_request_execute(*, request_id: int) -> JiraIssueRequest | None:
    """Carry out a pending request (the task's body): claim it, create the issue over HTTP (the
    transport's retries happen here, with no row locked), then store the key on the item. ``None``
    when the request is not pending or another worker holds it."""
    now = timezone.now()
    claimed = (
        JiraIssueRequest.objects.filter(pk=request_id, status=JiraIssueRequestStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + _claim_lease(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    request = JiraIssueRequest.objects.select_related("item", "requested_by").get(pk=request_id)
    item = request.item
    if item.jira_key:
        return _jira_request_finish(request, key=item.jira_key)
    try:
        connection = _jira_connection_checked()
        client = JiraClient(connection.base_url, credential=connection.credential())
        issue = client.create_issue(
            project_key=connection.settings["project_key"],
            summary=item.title,
            description=item.description,
            issue_type=connection.settings.get("issue_type", "Story"),
            link=settings.PORTAL_BASE_URL.rstrip("/") + item_url(item),
        )
    except ValidationError as exc:
        return _jira_request_fail(request, " ".join(exc.messages))
    except TransportError as exc:
        return _jira_request_fail(request, f"Jira did not create the issue: {exc}")
    return _jira_request_finish(request, key=issue["key"])


@transaction.atomic
def _jira_request_finish(request: JiraIssueRequest, *, key: str) -> JiraIssueRequest:
    item = RoadmapItem.objects.select_for_update().get(pk=request.item_id)
    if not item.jira_key:
        item.jira_key = key
        if request.requested_by is not None:
            item._history_user = request.requested_by
        item.save(update_fields=["jira_key", "updated_at"])
    elif item.jira_key != key:
        logger.warning(
            "item %s got %s meanwhile; Jira issue %s is unlinked", item.pk, item.jira_key, key
        )
    JiraIssueRequest.objects.filter(pk=request.pk).update(
        status=JiraIssueRequestStatus.DONE,
        issue_key=key,
        error="",
        claimed_until=None,
        updated_at=timezone.now(),
    )
    request.refresh_from_db()
    return request


@transaction.atomic
def _jira_request_fail(request: JiraIssueRequest, error: str) -> JiraIssueRequest:
    JiraIssueRequest.objects.filter(pk=request.pk).update(
        status=JiraIssueRequestStatus.FAILED,
        error=error[:2000],
        claimed_until=None,
        updated_at=timezone.now(),
    )
    request.refresh_from_db()
    return request


def jira_items():
    """Roadmap items with their Jira request (the panel shows its state without another query)."""
    return RoadmapItem.objects.select_related("jira_issue_request")
