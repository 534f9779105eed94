"""Segment events → per-account, per-feature daily usage, idempotent on ``messageId``.

Calls as Segment sends them (the track spec, the webhook destinations): ``track`` counts;
``group`` teaches which account a user belongs to (``userId`` → top-level ``groupId``);
``identify``, ``page``, ``screen`` and ``alias`` are accepted and counted as ignored. An event
without ``messageId`` (Segment's classic destination example has none) gets a stable key derived
from its content.

A track's account is, in order: ``context.groupId``, a top-level ``groupId``, the configured
property (``account_property``, default ``account_id``), the configured trait
(``account_trait``, in ``context.traits``), then the group its user joined — matched to
``Account.analytics_id``, then ``Account.crm_id``. A track whose account is unknown is held
(``holding.py``), not refused. The feature is the configured property (default ``feature``) or
else the event name.
"""

import datetime as dt
import hashlib
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
from .holding import (
    group_members_learn,
    group_of_users,
    held_events_forget,
    held_events_keep,
    held_events_matchable,
    held_events_prune,
)

LINES_PER_PAGE = 500
IGNORED_TYPES = {"identify", "page", "screen", "alias"}
# Fields Segment sets per delivery, not per event: left out of a content-derived key.
DELIVERY_FIELDS = {"sentAt", "receivedAt", "_metadata", "writeKey", "originalTimestamp"}


class BadEvent(ValueError):
    pass


def content_key(event: dict) -> str:
    """A stable id for an event without ``messageId``: the same event delivered twice gets the
    same key."""
    kept = {k: v for k, v in event.items() if k not in DELIVERY_FIELDS}
    canonical = json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str)
    return "content-" + hashlib.sha256(canonical.encode()).hexdigest()[:48]


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def parse_event(event, *, connection) -> dict:
    """Validate one Segment call; returns what the portal needs of it (``kind`` track, group or
    ignored)."""
    if not isinstance(event, dict):
        raise BadEvent("not a JSON object")
    kind = str(event.get("type") or "track").strip().lower()
    message_id = _text(event.get("messageId")) or content_key(event)
    user_id = _text(event.get("userId") or event.get("anonymousId"))[:200]
    if kind in IGNORED_TYPES:
        return {"kind": "ignored", "message_id": message_id, "type": kind}
    if kind == "group":
        group = _text(event.get("groupId"))
        if not group or not user_id:
            raise BadEvent(f"{message_id}: a group call needs groupId and userId or anonymousId")
        return {"kind": "group", "message_id": message_id, "user_id": user_id, "group": group}
    if kind != "track":
        raise BadEvent(f"{message_id}: type {kind!r} is not a Segment call")
    name = _text(event.get("event"))
    if not name:
        raise BadEvent(f"{message_id}: no event name")
    properties = event.get("properties") or {}
    context = event.get("context") or {}
    if not isinstance(properties, dict) or not isinstance(context, dict):
        raise BadEvent(f"{message_id}: properties and context must be objects")
    options = connection.settings if connection and isinstance(connection.settings, dict) else {}
    traits = context.get("traits") if isinstance(context.get("traits"), dict) else {}
    account_ref = (
        _text(context.get("groupId"))
        or _text(event.get("groupId"))
        or _text(properties.get(options.get("account_property", "account_id")))
        or (_text(traits.get(options["account_trait"])) if options.get("account_trait") else "")
    )
    feature = properties.get(options.get("feature_property", "feature")) or name
    when = parse_datetime(str(event.get("timestamp") or "")) if event.get("timestamp") else None
    if event.get("timestamp") and when is None:
        raise BadEvent(f"{message_id}: timestamp {event['timestamp']!r} is not ISO 8601")
    when = when or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return {
        "kind": "track",
        "message_id": message_id[:200],
        "account_ref": account_ref[:200],
        "feature": str(feature)[:120],
        "event": name[:120],
        "user_id": user_id,
        "when": when,
        "payload": event,
    }


def _accounts_for(refs) -> dict:
    accounts = {}
    refs = {r for r in refs if r}
    if not refs:
        return accounts
    for account in Account.objects.filter(Q(analytics_id__in=refs) | Q(crm_id__in=refs)):
        accounts.setdefault(account.crm_id, account)
        accounts[account.analytics_id] = account  # analytics id wins
    accounts.pop(None, None)
    return accounts


@transaction.atomic
def usage_apply_events(*, connection, events: list, hold: bool = True) -> PageResult:
    """Count new track events into FeatureUsage; learn group calls; count identify/page/…
    as ignored. Events already processed (by messageId) are unchanged, malformed ones failed
    (and noted); a track for an unknown account is held (``hold``) or failed."""
    result = PageResult()
    parsed = []
    for event in events:
        try:
            parsed.append(parse_event(event, connection=connection))
        except BadEvent as exc:
            result.add("failed", str(exc))
    links = {}
    for p in parsed:
        if p["kind"] == "group":
            links[p["user_id"]] = p["group"]
            result.add("grouped")
        elif p["kind"] == "ignored":
            result.add("ignored")
    group_members_learn(connection=connection, links=links)
    tracks = [p for p in parsed if p["kind"] == "track"]
    if not tracks:
        return result
    groups = group_of_users(
        connection=connection, user_ids={p["user_id"] for p in tracks if not p["account_ref"]}
    )
    for p in tracks:
        p["via_user"] = not p["account_ref"] and p["user_id"] in groups
        p["ref"] = p["account_ref"] or groups.get(p["user_id"], "")
    accounts = _accounts_for({p["ref"] for p in tracks})
    ids = {p["message_id"] for p in tracks}
    done = set(
        ProcessedMessage.objects.filter(message_id__in=ids).values_list("message_id", flat=True)
    )
    fresh, seen_now, held = [], set(), []
    for p in tracks:
        account = accounts.get(p["ref"])
        if p["message_id"] in done or p["message_id"] in seen_now:
            result.add("unchanged")
        elif account is None:
            reason = (
                f"unknown account {p['ref']!r}"
                if p["ref"]
                else "no account (no groupId, account property or trait; user in no group)"
            )
            if hold:
                seen_now.add(p["message_id"])
                held.append(
                    {
                        "message_id": p["message_id"],
                        "account_ref": p["account_ref"],
                        "user_id": p["user_id"],
                        "event": p["event"],
                        "reason": reason,
                        "payload": p["payload"],
                    }
                )
                result.add("held")
            else:
                result.add("failed", f"{p['message_id']}: {reason}")
        else:
            seen_now.add(p["message_id"])
            p["account"] = account
            p["day"] = timezone.localdate(p["when"])
            fresh.append(p)
    if held:
        held_events_keep(connection=connection, held=held)
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


@transaction.atomic
def held_events_release(*, connection) -> int:
    """Count the held events whose account is now known; returns how many were counted (or
    found already counted) and no longer held. Drops what is past the retention first."""
    held_events_prune(connection=connection)
    matched = held_events_matchable(connection=connection)
    if not matched:
        return 0
    usage_apply_events(connection=connection, events=[h.payload for h in matched], hold=False)
    return held_events_forget(ids=[h.pk for h in matched])


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
        held_events_release(connection=self.connection)
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
