"""Segment ``track`` events → per-account, per-feature daily usage, idempotent on ``messageId``.

The account comes from ``context.groupId`` (or a configured property) matched to
``Account.analytics_id``, then ``Account.crm_id``; the feature from a configured property (default
``feature``) or else the event name.
"""

import datetime as dt
import json
import secrets
from collections import defaultdict

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from integrations.models import FeatureUsage, ProcessedMessage
from portal.models import Account

from ..syncing import Page, PageResult, Syncer

LINES_PER_PAGE = 500


class BadEvent(ValueError):
    pass


def parse_event(event, *, connection) -> dict:
    """Validate one Segment track event; returns the fields usage needs."""
    if not isinstance(event, dict):
        raise BadEvent("not a JSON object")
    if event.get("type", "track") != "track":
        raise BadEvent(f"type {event.get('type')!r} is not track")
    message_id = str(event.get("messageId") or "").strip()
    if not message_id:
        raise BadEvent("no messageId")
    name = str(event.get("event") or "").strip()
    if not name:
        raise BadEvent(f"{message_id}: no event name")
    properties = event.get("properties") or {}
    context = event.get("context") or {}
    if not isinstance(properties, dict) or not isinstance(context, dict):
        raise BadEvent(f"{message_id}: properties and context must be objects")
    options = connection.settings if connection else {}
    account_ref = context.get("groupId") or properties.get(
        options.get("account_property", "account_id")
    )
    if not account_ref:
        raise BadEvent(f"{message_id}: no account (context.groupId)")
    feature = properties.get(options.get("feature_property", "feature")) or name
    when = parse_datetime(str(event.get("timestamp") or "")) if event.get("timestamp") else None
    if event.get("timestamp") and when is None:
        raise BadEvent(f"{message_id}: timestamp {event['timestamp']!r} is not ISO 8601")
    when = when or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return {
        "message_id": message_id[:200],
        "account_ref": str(account_ref),
        "feature": str(feature)[:120],
        "user_id": str(event.get("userId") or event.get("anonymousId") or "")[:200],
        "when": when,
    }


@transaction.atomic
def usage_apply_events(*, connection, events: list) -> PageResult:
    """Count new events into FeatureUsage; events already processed (by messageId) are unchanged,
    malformed ones or unknown accounts are failed (and noted)."""
    result = PageResult()
    parsed = []
    for event in events:
        try:
            parsed.append(parse_event(event, connection=connection))
        except BadEvent as exc:
            result.add("failed", str(exc))
    refs = {p["account_ref"] for p in parsed}
    accounts = {}
    for account in Account.objects.filter(Q(analytics_id__in=refs) | Q(crm_id__in=refs)):
        accounts.setdefault(account.crm_id, account)
        accounts[account.analytics_id] = account  # analytics id wins
    ids = {p["message_id"] for p in parsed}
    done = set(
        ProcessedMessage.objects.filter(message_id__in=ids).values_list("message_id", flat=True)
    )
    fresh, seen_now = [], set()
    for p in parsed:
        account = accounts.get(p["account_ref"])
        if p["message_id"] in done or p["message_id"] in seen_now:
            result.add("unchanged")
        elif account is None:
            result.add("failed", f"{p['message_id']}: unknown account {p['account_ref']!r}")
        else:
            seen_now.add(p["message_id"])
            p["account"] = account
            p["day"] = timezone.localdate(p["when"])
            fresh.append(p)
    if not fresh:
        return result
    try:
        with transaction.atomic():
            ProcessedMessage.objects.bulk_create(
                [
                    ProcessedMessage(
                        message_id=p["message_id"],
                        connection=connection,
                        account=p["account"],
                        feature=p["feature"],
                        user_id=p["user_id"],
                        day=p["day"],
                    )
                    for p in fresh
                ]
            )
    except IntegrityError:
        # A concurrent delivery of the same message won the race: take them one by one.
        return _apply_one_by_one(connection=connection, fresh=fresh, result=result)
    _aggregate(fresh)
    for _ in fresh:
        result.add("created")
    return result


def _apply_one_by_one(*, connection, fresh, result) -> PageResult:
    kept = []
    for p in fresh:
        try:
            with transaction.atomic():
                ProcessedMessage.objects.create(
                    message_id=p["message_id"],
                    connection=connection,
                    account=p["account"],
                    feature=p["feature"],
                    user_id=p["user_id"],
                    day=p["day"],
                )
        except IntegrityError:
            result.add("unchanged")
            continue
        kept.append(p)
        result.add("created")
    _aggregate(kept)
    return result


def _aggregate(fresh: list[dict]) -> None:
    """Recount the touched (account, feature, day) rows from the processed messages — a handful
    of set-based queries per page, however many groups it touches.

    The rows are created if missing and then locked (in a fixed order), so a concurrent page for
    the same rows waits and recounts after this one commits: no lost increments.
    """
    groups: dict[tuple, list] = defaultdict(list)
    for p in fresh:
        groups[(p["account"].pk, p["feature"], p["day"])].append(p)
    if not groups:
        return
    FeatureUsage.objects.bulk_create(
        [FeatureUsage(account_id=a, feature=f, day=d) for a, f, d in groups],
        ignore_conflicts=True,
    )
    # IN lists use the (account, feature, day) indexes; a long OR of triples would not. They may
    # select a few untouched rows too, which are simply recounted.
    touched = Q(
        account_id__in={a for a, _, _ in groups},
        feature__in={f for _, f, _ in groups},
        day__in={d for _, _, d in groups},
    )
    rows = {
        (u.account_id, u.feature, u.day): u
        for u in FeatureUsage.objects.select_for_update()
        .filter(touched)
        .order_by("account_id", "feature", "day")
    }
    counts = (
        ProcessedMessage.objects.filter(touched)
        .values("account_id", "feature", "day")
        .annotate(
            n=Count("id"),
            people=Count("user_id", distinct=True, filter=~Q(user_id="")),
        )
    )
    changed = []
    for count in counts:
        key = (count["account_id"], count["feature"], count["day"])
        if key not in groups:
            continue
        usage = rows[key]
        changed.append(usage)
        usage.events, usage.users = count["n"], count["people"]
        latest = max(e["when"] for e in groups[key])
        if usage.last_event_at is None or latest > usage.last_event_at:
            usage.last_event_at = latest
    # An upsert is far cheaper to build than bulk_update's CASE per row; the rows are locked.
    FeatureUsage.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["account", "feature", "day"],
        update_fields=["events", "users", "last_event_at"],
    )


class AnalyticsImportSyncer(Syncer):
    """A JSON-lines file of track events, read in pages of lines; the cursor is the byte offset
    after the last applied page, so a resumed run continues where the last one stopped."""

    def __init__(self, connection, run):
        super().__init__(connection, run)
        self.cursor = dict(run.cursor) or {"offset": 0, "line": 0}

    def pages(self):
        with default_storage.open(self.run.source_file, "rb") as handle:
            handle.seek(int(self.cursor.get("offset", 0)))
            line_no = int(self.cursor.get("line", 0))
            while True:
                lines, events = [], []
                # readline, not iteration: django's File.__iter__ rewinds to the start.
                while raw := handle.readline():
                    line_no += 1
                    lines.append(raw)
                    text = raw.strip()
                    if not text:
                        continue
                    try:
                        events.append(json.loads(text))
                    except ValueError:
                        events.append(BadLine(line_no))
                    if len(lines) >= LINES_PER_PAGE:
                        break
                if not lines:
                    return
                cursor = {"offset": handle.tell(), "line": line_no}
                yield Page(records=events, cursor=cursor)

    def apply(self, page: Page) -> PageResult:
        bad = [e for e in page.records if isinstance(e, BadLine)]
        good = [e for e in page.records if not isinstance(e, BadLine)]
        result = usage_apply_events(connection=self.connection, events=good)
        for line in bad:
            result.add("failed", f"line {line.number}: not JSON")
        return result

    def finish(self) -> dict:
        # The file is kept until its import is complete (a failed run resumes from it).
        name = self.run.source_file
        transaction.on_commit(lambda: default_storage.delete(name))
        return {**self.cursor, "done": True}

    @staticmethod
    def stored_name(connection_id: int, filename: str) -> str:
        # Never the client's name: a random one with the one extension imports have.
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        return f"connectors/imports/{connection_id}/{stamp}-{secrets.token_hex(8)}.jsonl"


class BadLine:
    def __init__(self, number: int):
        self.number = number
