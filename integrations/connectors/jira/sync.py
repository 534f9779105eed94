"""Jira issue status → roadmap item status. Used by the incremental pull and the webhook alike.

Status category ``done`` ships the item (``roadmap_item_set_status`` records ``item_shipped``,
which ships the linked feedback and notifies requesters); ``indeterminate`` moves an item that is
still under consideration or planned to in progress. Pulls query ``updated >= since`` with a
minute of overlap (JQL has minute precision) and de-duplicate on (issue id, updated).
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

from integrations.models import SyncedRecord
from roadmap.choices import ItemStatus
from roadmap.models import RoadmapItem
from roadmap.services import roadmap_item_set_status

from ..syncing import Page, PageResult, Syncer
from .client import JiraClient

OVERLAP = dt.timedelta(minutes=1)
MOVES_TO_IN_PROGRESS = {ItemStatus.UNDER_CONSIDERATION, ItemStatus.PLANNED}


def parse_jira_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return dt.datetime.strptime(value, fmt)  # noqa: DTZ007 - both formats carry %z
        except ValueError:
            continue
    return None


def status_of(issue: dict) -> tuple[str, str]:
    status = ((issue.get("fields") or {}).get("status")) or {}
    return status.get("name", ""), (status.get("statusCategory") or {}).get("key", "")


def jira_issue_apply(
    *,
    connection,
    issue: dict,
    items: dict | None = None,
    run=None,
    lineage: dict | None = None,
    collect: list | None = None,
) -> str:
    """Apply one issue (in the caller's transaction). Returns updated/unchanged.

    A pull passes the page's ``items`` and ``lineage`` (preloaded) and a ``collect`` list for the
    lineage rows, written in one statement per page; the webhook passes none of them.
    """
    issue_id, key = str(issue.get("id") or ""), issue.get("key") or ""
    updated = (issue.get("fields") or {}).get("updated") or ""
    name, category = status_of(issue)
    external_id = issue_id or key
    if lineage is None:
        record = SyncedRecord.objects.filter(connection=connection, external_id=external_id).first()
    else:
        record = lineage.get(external_id)
    if record and updated and record.remote_updated == updated:
        return "unchanged"  # the overlap window brought it again
    if items is None:
        items = {i.jira_key: i for i in RoadmapItem.objects.filter(jira_key=key)}
    item = items.get(key)
    outcome = "unchanged"
    if item is not None:
        target = None
        if category == "done" and item.status not in (ItemStatus.SHIPPED, ItemStatus.DECLINED):
            target = ItemStatus.SHIPPED
        elif category == "indeterminate" and item.status in MOVES_TO_IN_PROGRESS:
            target = ItemStatus.IN_PROGRESS
        if target:
            items[key] = roadmap_item_set_status(item=item, status=target)
            outcome = "updated"
    values = {
        "local_id": item.pk if item else None,
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
    return outcome


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
            stamps = [(i.get("fields") or {}).get("updated") for i in data["issues"]]
            newest = max((s for s in stamps if s), key=_sort_key, default=None)
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
        keys = [i.get("key") for i in page.records]
        ids = [str(i.get("id") or i.get("key") or "") for i in page.records]
        items = {i.jira_key: i for i in RoadmapItem.objects.filter(jira_key__in=keys)}
        lineage = {
            r.external_id: r
            for r in SyncedRecord.objects.filter(connection=self.connection, external_id__in=ids)
        }
        rows: list[SyncedRecord] = []
        for issue in page.records:
            if not issue.get("key"):
                result.add("failed", "an issue without a key")
                continue
            outcome = jira_issue_apply(
                connection=self.connection,
                issue=issue,
                items=items,
                run=self.run,
                lineage=lineage,
                collect=rows,
            )
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
