"""Use cases of the connectors that people trigger: create a Jira issue for a roadmap item, save a
connection, start a file import. Pull runs and deliveries live in runs.py and
outbound/deliveries.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from integrations.models import Connection, ConnectionKind, RunKind, SyncRun
from roadmap.models import RoadmapItem

from .jira.client import JiraClient
from .runs import sync_run_request
from .transport import TransportError


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


def jira_issue_create_for_item(*, item: RoadmapItem, actor=None) -> RoadmapItem:
    """Create a Jira issue (REST v3) for the item and store its key. Refuses when the item is
    already linked; the item row stays locked during the call so two clicks create one issue."""
    connection = jira_connection()
    if connection is None:
        raise ValidationError("No enabled Jira connection is configured.")
    project = connection.settings.get("project_key")
    if not project:
        raise ValidationError(f"Set project_key in the settings of {connection.name}.")
    from django.conf import settings

    with transaction.atomic():
        item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
        if item.jira_key:
            raise ValidationError(f"This item is already linked to {item.jira_key}.")
        client = JiraClient(connection.base_url, credential=connection.credential())
        try:
            issue = client.create_issue(
                project_key=project,
                summary=item.title,
                description=item.description,
                issue_type=connection.settings.get("issue_type", "Story"),
                link=settings.PORTAL_BASE_URL.rstrip("/") + item_url(item),
            )
        except TransportError as exc:
            raise ValidationError(f"Jira did not create the issue: {exc}") from exc
        item.jira_key = issue["key"]
        if actor is not None:
            item._history_user = actor
        item.save(update_fields=["jira_key", "updated_at"])
    return item


@transaction.atomic
def connection_save(*, connection: Connection, actor=None) -> Connection:
    connection.full_clean()
    connection.save()
    return connection


def connection_sync_now(*, connection: Connection, actor=None) -> SyncRun:
    if not connection.enabled:
        raise ValidationError(f"{connection.name} is disabled.")
    return sync_run_request(connection=connection, actor=actor)


def analytics_import_start(*, connection: Connection, name: str, size: int, actor=None) -> SyncRun:
    """Queue the import of a stored JSON-lines file (see forms.AnalyticsImportForm)."""
    if connection.kind != ConnectionKind.ANALYTICS:
        raise ValidationError("Only analytics connections import event files.")
    return sync_run_request(
        connection=connection,
        actor=actor,
        kind=RunKind.IMPORT,
        source_file=name,
        source_size=size,
        cursor={"offset": 0, "line": 0},
    )
