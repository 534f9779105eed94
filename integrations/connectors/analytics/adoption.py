"""Adoption of a shipped roadmap item, by who asked for it, and what to do about it.

Everything here rests on a handful of aggregate queries (``adoption_selectors``) — the per-account
usage aggregate over the item's mapped feature keys since its ship date, the active accounts with
whether they asked for the item, the aha-milestone uses, and the evidence of barrier accounts —
and turns their rows into figures in Python. The number of queries does not depend on the number
of accounts, usage rows or weeks.

Definitions (the docs and the tests use the same words):

- **adopter**: an active account that used any of the item's keys (events > 0) from the ship day
  to ``until``; **window adopter**: its last use is on or after ``since`` (default: the ship day);
- **rate**: adopters / active accounts, per tier, segment and health band;
- **requesters**: accounts behind the item's demand signals (votes, linked feedback);
- **barrier accounts**: requesters with no use ``ADOPTION_BARRIER_DAYS`` days after ship;
- **aha moment**: ``uses`` events within ``days`` days of an account's first use (share of
  adopters);
- **drop-off**: adopters that used it on a single day, among those whose first use is at least
  ``DROPOFF_QUIET_DAYS`` days old (the others may still come back);
- **health correlation**: Pearson's r between adopting (0/1) and the health score, with n;
  ``None`` and a reason below ``ADOPTION_MIN_CORRELATION_N`` or without variance;
- **rollout prediction**: per segment, the 30-day conversion observed among accounts that had not
  adopted 30 days ago (k of n, Wilson 95% interval), applied to the accounts not using it now.
"""

import datetime as dt
import hashlib
import json
import math
from bisect import bisect_right
from collections import Counter, defaultdict, namedtuple
from operator import attrgetter

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.choices import HealthBand, Tier
from roadmap.features import feature_keys_of

from . import adoption_selectors as rows

PREDICTION_DAYS = 30
DROPOFF_QUIET_DAYS = 7
Z_95 = 1.959964
MAX_WEEKS = 104


# --- Statistics -----------------------------------------------------------------------------


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (95% by default)."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or ``None`` when either variable has no variance (or n < 2)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


# --- The item report --------------------------------------------------------------------------


def ship_day(item) -> dt.date | None:
    return timezone.localdate(item.shipped_at) if item.shipped_at else None


def item_adoption(
    item,
    *,
    today: dt.date | None = None,
    since: dt.date | None = None,
    segment: str | None = None,
    account_ids=None,
) -> dict:
    """Adoption of ``item`` over its mapped keys from its ship day to ``today``: rates by tier,
    segment and health band, weekly trend (requesters vs everyone else), requesters, barrier
    accounts with evidence, aha share, drop-off, health correlation and a rollout prediction.
    ``segment`` or ``account_ids`` (a beta program's accounts) narrow the accounts considered."""
    until = today or timezone.localdate()
    keys = feature_keys_of(item)
    shipped = ship_day(item) if item.status == "shipped" else None
    report = {
        "feature": str(item.pk),
        "item": {"id": item.pk, "title": item.title, "url": item.get_absolute_url()},
        "feature_keys": keys,
        "shipped_on": shipped,
        "window": {"since": None, "until": until},
        "note": "",
    }
    if shipped is None:
        return {**report, **_empty(), "note": "Not shipped yet: adoption counts from the ship day."}
    if not keys:
        return {
            **report,
            **_empty(),
            "note": "No analytics features are mapped to this item: a PM sets them on the item's "
            "form.",
        }
    since = max(since or shipped, shipped)
    report["window"] = {"since": since, "until": until}
    scope = Q(segment=segment) if segment else None
    if account_ids is not None:
        scope = (scope or Q()) & Q(pk__in=account_ids)
    accounts = [
        Row(*r, r[8] is not None and r[8] >= since)
        for r in rows.adoption_rows(
            item_id=item.pk, keys=keys, since=shipped, until=until, scope=scope
        )
    ]
    milestone = rows.milestone_of(item)
    aha_uses = (
        rows.aha_uses_by_account(keys=keys, since=shipped, until=until, days=milestone.days)
        if milestone
        else {}
    )
    barrier_ids, dropoff = _barrier_ids(accounts, shipped, until), _dropoff(accounts, until)
    # Names, ARR and CSMs only for the accounts the report lists (one query).
    details = rows.account_details({*barrier_ids, *dropoff["account_ids"]})
    adopters = sum(a.adopted for a in accounts)
    report.update(
        accounts=len(accounts),
        adopters=adopters,
        rate=rate(adopters, len(accounts)),
        by_tier=_breakdown(
            accounts, "tier", [*(t.value for t in Tier), ""], {**dict(Tier.choices), "": "unknown"}
        ),
        by_segment=_breakdown(accounts, "segment", None, None),
        by_health_band=_breakdown(
            accounts,
            "health_band",
            [*(b.value for b in HealthBand), ""],
            {**dict(HealthBand.choices), "": "unknown"},
        ),
        requesters=_requesters(accounts),
        trend=_weekly_trend(accounts, shipped, until),
        barriers=_barriers(item, barrier_ids, details, shipped),
        aha=_aha(milestone, accounts, aha_uses, until),
        dropoff=_dropoff_listed(dropoff, details),
        health_correlation=_correlation(accounts),
        prediction=_prediction(accounts, shipped, until),
    )
    if not any(a.first for a in accounts):
        report["note"] = "Mapped, but no usage of its features since it shipped yet."
    return report


def item_adoption_cache_key(item, *, since=None, today=None) -> str:
    """One cache entry per item, ship time, feature keys, aha milestone and window (two small
    queries when the item was loaded without its keys and milestone)."""
    milestone = rows.milestone_of(item)
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                item.shipped_at.isoformat() if item.shipped_at else None,
                item.status,
                feature_keys_of(item),
                [milestone.uses, milestone.days] if milestone else None,
                (today or timezone.localdate()).isoformat(),
                since.isoformat() if since else None,
            ]
        ).encode()
    ).hexdigest()[:20]
    return f"adoption:item:v1:{item.pk}:{fingerprint}"


def item_adoption_cached(
    item, *, since: dt.date | None = None, today: dt.date | None = None
) -> tuple[dict, dt.datetime | None]:
    """:func:`item_adoption`, computed at most once per ``PANEL_CACHE_SECONDS`` for the same
    item, ship time, feature keys, aha milestone and window (usage arrives by periodic syncs, so
    the page and the API say when the figures are from); ``(report, as_of)``, ``as_of`` None when
    caching is off."""
    seconds = settings.PANEL_CACHE_SECONDS
    if not seconds:
        return item_adoption(item, since=since, today=today), None
    key = item_adoption_cache_key(item, since=since, today=today)
    hit = cache.get(key)
    if hit is None:
        hit = (item_adoption(item, since=since, today=today), timezone.now())
        cache.set(key, hit, seconds)
    return hit


Row = namedtuple(
    "Row",
    "id tier segment health_band health_score csm_owner_id requester first last days adopted",
)
MAX_LISTED = 50


def _empty() -> dict:
    return {
        "accounts": 0,
        "adopters": 0,
        "rate": 0.0,
        "by_tier": [],
        "by_segment": [],
        "by_health_band": [],
        "requesters": {"accounts": 0, "adopters": 0, "rate": 0.0, "others": {}, "by_tier": []},
        "trend": [],
        "barriers": {"days": settings.ADOPTION_BARRIER_DAYS, "window_ends": None, "accounts": []},
        "aha": None,
        "dropoff": {"adopters": 0, "tried_once": 0, "rate": 0.0, "accounts": []},
        "health_correlation": {"r": None, "n": 0, "reason": "No adoption to correlate yet."},
        "prediction": {"expected": None, "reason": "Not shipped, or nothing to measure."},
    }


def _person(account: dict) -> dict | None:
    if not account["csm_owner_id"]:
        return None
    full = f"{account['csm_owner__first_name']} {account['csm_owner__last_name']}".strip()
    return {"id": account["csm_owner_id"], "name": full or account["csm_owner__username"]}


def _breakdown(accounts, field: str, order, labels) -> list[dict]:
    # Counted with C-level loops (Counter over map/attrgetter): thousands of accounts per report.
    value = attrgetter(field)
    totals = Counter(map(value, accounts))
    adopted = Counter(map(value, filter(attrgetter("adopted"), accounts)))
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, count in totals.items():
        groups[name or ""][0] += count
        groups[name or ""][1] += adopted.get(name, 0)
    names = order if order is not None else sorted(groups)
    return [
        {
            field.replace("health_band", "band"): name or "(none)",
            "label": (labels or {}).get(name, name or "(none)"),
            "accounts": groups[name][0],
            "adopters": groups[name][1],
            "rate": rate(groups[name][1], groups[name][0]),
        }
        for name in names
        if name in groups
    ]


def _requesters(accounts) -> dict:
    # per tier: [requesters, requester adopters, others, other adopters]
    tiers: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for a in accounts:
        counts = tiers[a.tier or "unknown"]
        offset = 0 if a.requester else 2
        counts[offset] += 1
        counts[offset + 1] += a.adopted
    by_tier = [
        {
            "tier": tier,
            "label": label,
            "requesters": c[0],
            "requester_adopters": c[1],
            "requester_rate": rate(c[1], c[0]),
            "others": c[2],
            "other_adopters": c[3],
            "other_rate": rate(c[3], c[2]),
        }
        for tier, label in [*Tier.choices, ("unknown", "Tier unknown")]
        if (c := tiers.get(tier))
    ]
    asked = sum(c[0] for c in tiers.values())
    adopted = sum(c[1] for c in tiers.values())
    others = sum(c[2] for c in tiers.values())
    others_adopted = sum(c[3] for c in tiers.values())
    return {
        "accounts": asked,
        "adopters": adopted,
        "rate": rate(adopted, asked),
        "others": {
            "accounts": others,
            "adopters": others_adopted,
            "rate": rate(others_adopted, others),
        },
        "by_tier": by_tier,
    }


def _weekly_trend(accounts, shipped: dt.date, until: dt.date) -> list[dict]:
    """Week n since ship: the share of requesters and of everyone else that had used it by the
    end of that week (cumulative adoption)."""
    weeks = min(MAX_WEEKS, (until - shipped).days // 7 + 1)
    asked = sorted(a.first for a in accounts if a.requester and a.first)
    others = sorted(a.first for a in accounts if not a.requester and a.first)
    n_asked = sum(1 for a in accounts if a.requester)
    n_others = len(accounts) - n_asked
    trend = []
    for week in range(1, weeks + 1):
        end = min(until, shipped + dt.timedelta(days=7 * week - 1))
        a, o = bisect_right(asked, end), bisect_right(others, end)
        trend.append(
            {
                "week": week,
                "ends": end,
                "requesters": a,
                "requester_rate": rate(a, n_asked),
                "others": o,
                "other_rate": rate(o, n_others),
            }
        )
    return trend


def _barrier_ids(accounts, shipped: dt.date, until: dt.date) -> list[int]:
    if until < shipped + dt.timedelta(days=settings.ADOPTION_BARRIER_DAYS):
        return []
    return [a.id for a in accounts if a.requester and a.first is None]


def _barriers(item, ids, details, shipped: dt.date) -> dict:
    days = settings.ADOPTION_BARRIER_DAYS
    evidence = rows.barrier_evidence({(item.pk, i) for i in ids})
    listed = sorted((details[i] for i in ids), key=lambda a: (-float(a["arr"] or 0), a["name"]))
    return {
        "days": days,
        "window_ends": shipped + dt.timedelta(days=days),
        "accounts": [
            {
                "id": a["id"],
                "name": a["name"],
                "url": reverse("account-detail", args=[a["id"]]),
                "tier": a["tier"],
                "segment": a["segment"],
                "arr": float(a["arr"]) if a["arr"] is not None else None,
                "health_score": a["health_score"],
                "health_band": a["health_band"],
                "csm": _person(a),
                "evidence": evidence.get((item.pk, a["id"]), []),
            }
            for a in listed
        ],
    }


def _aha(milestone, accounts, aha_uses, until: dt.date) -> dict | None:
    if milestone is None:
        return None
    adopters = [a for a in accounts if a.first]
    reached = {a.id for a in adopters if aha_uses.get(a.id, 0) >= milestone.uses}
    # Adopters still inside their D-day window may yet reach it.
    window_start = until - dt.timedelta(days=milestone.days)
    open_window = [a for a in adopters if a.id not in reached and a.first > window_start]
    return {
        "uses": milestone.uses,
        "days": milestone.days,
        "adopters": len(adopters),
        "reached": len(reached),
        "rate": rate(len(reached), len(adopters)),
        "still_in_window": len(open_window),
    }


def _dropoff(accounts, until: dt.date) -> dict:
    quiet = until - dt.timedelta(days=DROPOFF_QUIET_DAYS)
    settled = [a for a in accounts if a.first and a.first <= quiet]
    once = [a.id for a in settled if a.days == 1]
    return {
        "adopters": len(settled),
        "tried_once": len(once),
        "rate": rate(len(once), len(settled)),
        "quiet_days": DROPOFF_QUIET_DAYS,
        "account_ids": once[:MAX_LISTED],
    }


def _dropoff_listed(dropoff: dict, details) -> dict:
    """The drop-off figures with the first MAX_LISTED accounts named (by name)."""
    ids = dropoff.pop("account_ids")
    listed = sorted((details[i] for i in ids), key=lambda a: a["name"])
    dropoff["accounts"] = [{"id": a["id"], "name": a["name"], "csm": _person(a)} for a in listed]
    return dropoff


def _correlation(accounts) -> dict:
    n = len(accounts)
    minimum = settings.ADOPTION_MIN_CORRELATION_N
    if n < minimum:
        return {"r": None, "n": n, "reason": f"Not enough data: {n} accounts, {minimum} needed."}
    accounts = [a for a in accounts if a.health_score is not None]  # unknown health: left out
    n = len(accounts)
    if n < minimum:
        return {"r": None, "n": n, "reason": f"Not enough data: {n} accounts, {minimum} needed."}
    r = pearson([float(a.adopted) for a in accounts], [float(a.health_score) for a in accounts])
    if r is None:
        return {
            "r": None,
            "n": n,
            "reason": "Not enough data: every account adopted, or none did, or all have the "
            "same health.",
        }
    return {"r": round(r, 4), "n": n, "reason": ""}


def _prediction(accounts, shipped: dt.date, until: dt.date) -> dict:
    """Expected new adopters in the next 30 days among those not using it now, from each
    segment's 30-day conversion so far (Wilson 95% per segment, summed)."""
    minimum = settings.ADOPTION_MIN_SAMPLE
    history = (until - shipped).days
    non_adopters = sum(1 for a in accounts if a.first is None)
    base = {"days": PREDICTION_DAYS, "non_adopters": non_adopters, "min_sample": minimum}
    if history < PREDICTION_DAYS:
        return {
            **base,
            "expected": None,
            "low": None,
            "high": None,
            "segments": [],
            "reason": f"Not enough data: shipped {history} days ago; a 30-day conversion needs "
            f"{PREDICTION_DAYS} days of usage.",
        }
    start = until - dt.timedelta(days=PREDICTION_DAYS)
    groups: dict[str, dict] = defaultdict(lambda: {"at_risk": 0, "converted": 0, "remaining": 0})
    for a in accounts:
        g = groups[a.segment or "(none)"]
        if a.first is None or a.first > start:
            g["at_risk"] += 1
            g["converted"] += a.first is not None
        g["remaining"] += a.first is None
    segments, expected, low, high, unpredicted = [], 0.0, 0.0, 0.0, 0
    for name in sorted(groups):
        g = groups[name]
        row = {"segment": name, **g, "rate": None, "low": None, "high": None, "expected": None}
        if g["at_risk"] < minimum:
            row["reason"] = f"Not enough data: {g['at_risk']} accounts at risk, {minimum} needed."
            unpredicted += g["remaining"]
        else:
            lo, hi = wilson_interval(g["converted"], g["at_risk"])
            p = g["converted"] / g["at_risk"]
            row.update(
                rate=round(p, 4),
                low=round(lo, 4),
                high=round(hi, 4),
                expected=round(g["remaining"] * p, 1),
                reason="",
            )
            expected += g["remaining"] * p
            low += g["remaining"] * lo
            high += g["remaining"] * hi
        segments.append(row)
    predicted = any(row["expected"] is not None for row in segments)
    return {
        **base,
        "expected": round(expected, 1) if predicted else None,
        "low": round(low, 1) if predicted else None,
        "high": round(high, 1) if predicted else None,
        "not_predicted": unpredicted,
        "segments": segments,
        "reason": ""
        if predicted
        else f"Not enough data: no segment has {minimum} accounts at risk.",
    }
