"""Adoption from daily feature usage: per segment, the share of active accounts that used a
feature in a window, and how adoption relates to account health (for the CS–Product adoption
endpoint and adoption insights)."""

import datetime as dt
import math

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone

from integrations.models import FeatureUsage
from portal.models import Account

DEFAULT_WINDOW_DAYS = 30


def _window(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    until = until or timezone.localdate()
    return since or until - dt.timedelta(days=DEFAULT_WINDOW_DAYS), until


def adoption_window(since: dt.date | None = None, until: dt.date | None = None):
    """The window used when a bound is missing: the last 30 days up to today."""
    return _window(since, until)


def feature_has_usage(feature: str) -> bool:
    return FeatureUsage.objects.filter(feature=feature).exists()


def features_used(*, since=None, until=None) -> list[str]:
    """Every feature some account used in the window."""
    since, until = _window(since, until)
    rows = FeatureUsage.objects.filter(day__gte=since, day__lte=until, events__gt=0)
    return list(rows.order_by("feature").values_list("feature", flat=True).distinct())


def adoption_summary(*, feature: str, since=None, until=None) -> dict:
    """Two queries: overall and per-segment adoption of a feature, and its health correlation."""
    since, until = _window(since, until)
    segments = adoption_by_segment(feature=feature, since=since, until=until)
    accounts = sum(row["accounts"] for row in segments)
    adopters = sum(row["adopters"] for row in segments)
    return {
        "feature": feature,
        "window": {"since": since, "until": until},
        "accounts": accounts,
        "adopters": adopters,
        "rate": round(adopters / accounts, 4) if accounts else 0.0,
        "segments": segments,
        "health_correlation": adoption_health_correlation(
            feature=feature, since=since, until=until
        ),
    }


def _with_adoption(feature: str, since: dt.date, until: dt.date):
    used = FeatureUsage.objects.filter(
        account=OuterRef("pk"), feature=feature, day__gte=since, day__lte=until, events__gt=0
    )
    return Account.objects.active().annotate(adopted=Exists(used))


def adoption_by_segment(*, feature: str, since=None, until=None) -> list[dict]:
    """One query: per segment, accounts, adopters, rate and average health of each group."""
    since, until = _window(since, until)
    rows = (
        _with_adoption(feature, since, until)
        .values("segment")
        .annotate(
            accounts=Count("pk"),
            adopters=Count("pk", filter=Q(adopted=True)),
            health_adopters=Avg("health_score", filter=Q(adopted=True)),
            health_others=Avg("health_score", filter=Q(adopted=False)),
        )
        .order_by("segment")
    )
    return [
        {
            "segment": row["segment"] or "(none)",
            "accounts": row["accounts"],
            "adopters": row["adopters"],
            "rate": round(row["adopters"] / row["accounts"], 4) if row["accounts"] else 0.0,
            "avg_health_adopters": _round(row["health_adopters"]),
            "avg_health_others": _round(row["health_others"]),
        }
        for row in rows
    ]


def adoption_health_correlation(*, feature: str, since=None, until=None) -> float | None:
    """Pearson correlation (point-biserial) between adopting the feature and the health score
    across active accounts; ``None`` when either side has no variance."""
    since, until = _window(since, until)
    pairs = list(_with_adoption(feature, since, until).values_list("adopted", "health_score"))
    n = len(pairs)
    if n < 2:
        return None
    xs = [1.0 if adopted else 0.0 for adopted, _ in pairs]
    ys = [float(health) for _, health in pairs]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return round(sxy / math.sqrt(sxx * syy), 4)


def _round(value):
    return round(float(value), 1) if value is not None else None
