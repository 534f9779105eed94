"""Jira issue status → roadmap item status. Used by the incremental pull and the webhook alike.

The status category maps to an item status through the connection's ``status_map`` (defaults:
``done`` ships the item — ``roadmap_item_set_status`` records ``item_shipped``, which ships the
linked feedback and notifies requesters —, ``indeterminate`` moves it to in progress; items only
move forward). Pulls query ``updated >= since`` with a minute of overlap (JQL has minute precision)
and de-duplicate on (issue id, updated).

An issue whose ``updated`` is not a Jira timestamp, or whose status has no category, is skipped
and reported; the rest of the page is applied. The ``updated`` stamp is stored only for an issue
that was applied (a linked item and a usable status), so an issue skipped once is applied when it
comes again.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

from integrations.models import SyncedRecord
from roadmap.models import RoadmapItem
from roadmap.services import roadmap_item_set_status

from ..syncing import Page, PageResult, Syncer
from .client import JiraClient
from .status_map import status_map, target_for

OVERLAP = dt.timedelta(minutes=1)


def parse_jira_time(value) -> dt.datetime | None:
    """A Jira timestamp (``2026-11-20T10:15:30.000+0000``), or ``None`` for anything else —
    including values of another type (Atlassian's own search example has an integer)."""
    if not isinstance(value, str) or not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return dt.datetime.strptime(value, fmt)  # noqa: DTZ007 - both formats carry %z
        except ValueError:
            continue
    return None


def status_of(issue: dict) -> tuple[str, str]:
    fields = issue.get("fields") if isinstance(issue.get("fields"), dict) else {}
    status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
    category = status.get("statusCategory")
    category = category if isinstance(category, dict) else {}
    return str(status.get("name") or ""), str(category.get("key") or "")


def issue_problem(issue) -> str | None:
    """Why an issue cannot be applied as it came, or ``None``."""
    if not isinstance(issue, dict) or not issue.get("key") or not isinstance(issue["key"], str):
        return "an issue without a key"
    fields = issue.get("fields")
    if not isinstance(fields, dict):
        return "no fields"
    updated = fields.get("updated")
    if updated not in (None, "") and parse_jira_time(updated) is None:
        return f"updated {updated!r} is not a Jira timestamp"
    if not status_of(issue)[1]:
        return "no status category in fields.status"
    return None


def jira_issue_apply(
    *,
    connection,
    issue: dict,
    items: dict | None = None,
    run=None,
    lineage: dict | None = None,
    collect: list | None = None,
) -> tuple[str, str]:
    """Apply one issue (in the caller's transaction). Returns ``(outcome, reason)``: outcome
    ``updated``, ``unchanged`` or ``skipped`` (then the reason says why).

    A pull passes the page's ``items`` and ``lineage`` (preloaded) and a ``collect`` list for the
    lineage rows, written in one statement per page; the webhook passes none of them.
    """
    problem = issue_problem(issue)
    if problem:
        return "skipped", problem
    issue_id, key = str(issue.get("id") or ""), issue["key"]
    updated = issue["fields"].get("updated") or ""
    name, category = status_of(issue)
    external_id = issue_id or key
    if lineage is None:
        record = SyncedRecord.objects.filter(connection=connection, external_id=external_id).first()
    else:
        record = lineage.get(external_id)
    if record and updated and record.remote_updated == updated:
        return "unchanged", ""  # the overlap window brought it again
    if items is None:
        items = {i.jira_key: i for i in RoadmapItem.objects.filter(jira_key=key)}
    item = items.get(key)
    if item is None:
        # Nothing linked: nothing applied, so no stamp (a later link applies it then).
        return "unchanged", ""
    outcome = "unchanged"
    target = target_for(item.status, status_map(connection.settings).get(category))
    if target:
        items[key] = roadmap_item_set_status(item=item, status=target)
        outcome = "updated"
    values = {
        "local_id": item.pk,
        "remote_updated": updated,
        "data": {"key": key, "status": name, "category": category},
        "last_seen_at": timezone.now(),
        "last_run": run,
    }
    if collect is None:
        SyncedRecord.objects.update_or_create(
            connection=connection, external_id=external_id, defaults=values
        )
    else:
        collect.append(SyncedRecord(connection=connection, external_id=external_id, **values))
    return outcome, ""


class JiraSyncer(Syncer):
    def __init__(self, connection, run):
        super().__init__(connection, run)
        self.client = JiraClient(connection.base_url, credential=connection.credential())
        if "jql" not in self.cursor:  # a new pass, not a resumed one
            self.cursor.update(jql=self.build_jql(), token=None, max_seen=self.cursor.get("since"))

    def build_jql(self) -> str | None:
        project = self.connection.settings.get("project_key")
        if project:
            clauses = [f'project = "{project}"']
        else:
            keys = RoadmapItem.objects.exclude(jira_key="").values_list("jira_key", flat=True)
            if not keys:
                return None  # nothing linked: nothing to ask Jira about
            clauses = [f"key in ({', '.join(sorted(keys))})"]
        since = parse_jira_time(self.cursor.get("since")) or _iso(self.cursor.get("since"))
        if since:
            tz = zoneinfo.ZoneInfo(self.connection.settings.get("timezone", "UTC"))
            clauses.append(f'updated >= "{(since - OVERLAP).astimezone(tz):%Y/%m/%d %H:%M}"')
        return " AND ".join(clauses) + " ORDER BY updated ASC"

    def pages(self):
        while self.cursor.get("jql"):
            cursor = dict(self.cursor)
            data = self.client.search(jql=cursor["jql"], next_page_token=cursor["token"])
            token = None if data.get("isLast") else data.get("nextPageToken")
            stamps = [_updated_of(i) for i in data["issues"]]
            newest = max((s for s in stamps if parse_jira_time(s)), key=_sort_key, default=None)
            if newest and (
                not cursor["max_seen"] or _sort_key(newest) > _sort_key(cursor["max_seen"])
            ):
                cursor["max_seen"] = newest
            cursor["token"] = token
            yield Page(records=data["issues"], cursor=cursor)
            if not token:
                return

    def apply(self, page: Page) -> PageResult:
        result = PageResult()
        issues = [i for i in page.records if isinstance(i, dict)]
        keys = [i.get("key") for i in issues if isinstance(i.get("key"), str)]
        ids = [str(i.get("id") or i.get("key") or "") for i in issues]
        items = {i.jira_key: i for i in RoadmapItem.objects.filter(jira_key__in=keys)}
        lineage = {
            r.external_id: r
            for r in SyncedRecord.objects.filter(connection=self.connection, external_id__in=ids)
        }
        rows: list[SyncedRecord] = []
        for issue in page.records:
            outcome, reason = jira_issue_apply(
                connection=self.connection,
                issue=issue,
                items=items,
                run=self.run,
                lineage=lineage,
                collect=rows,
            )
            if outcome == "skipped":
                name = issue.get("key") or issue.get("id") if isinstance(issue, dict) else None
                result.skip(str(name or "?"), reason)
            else:
                result.add(outcome)
        # Last one wins when a page repeats an issue; one statement for the page's lineage.
        unique = {row.external_id: row for row in rows}
        SyncedRecord.objects.bulk_create(
            list(unique.values()),
            update_conflicts=True,
            unique_fields=["connection", "external_id"],
            update_fields=["local_id", "remote_updated", "data", "last_seen_at", "last_run"],
        )
        return result

    def finish(self) -> dict:
        return {"since": self.cursor.get("max_seen")}


def _updated_of(issue):
    fields = issue.get("fields") if isinstance(issue, dict) else None
    return fields.get("updated") if isinstance(fields, dict) else None


def _sort_key(value: str):
    parsed = parse_jira_time(value)
    return parsed.timestamp() if parsed else 0


def _iso(value):
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
