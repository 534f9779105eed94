"""Adoption of related features in beta candidate ranking (the beta design's "adoption of related
features"): an account that already uses what shipped in the same product area is likelier to
take up, and give feedback on, the next thing there. Registered with
``roadmap.betas.factors.register_candidate_factor`` in ``IntegrationsConfig.ready()``, so the
roadmap's candidate ranking counts it without importing this app."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from integrations.models import FeatureUsage
from roadmap.betas.factors import Factor
from roadmap.choices import ItemStatus
from roadmap.models import RoadmapItemFeature

WINDOW_DAYS = 90
MAX_POINTS = 15
TITLES_SHOWN = 3


def related_adoption_factor(program, *, today: dt.date | None = None) -> dict[int, Factor]:
    """Two queries: the feature keys of the shipped items in the program item's product area
    (other than the item itself), and per account how many of them it used in the last 90 days.
    Points scale with the share used (at most 15, at least 1 for any use)."""
    area = program.item.product_area
    if not area:
        return {}
    mapped = list(
        RoadmapItemFeature.objects.filter(item__status=ItemStatus.SHIPPED, item__product_area=area)
        .exclude(item_id=program.item_id)
        .values_list("feature_key", "item__title")
        .order_by("item__shipped_at", "item_id", "feature_key")
    )
    keys = {key for key, _ in mapped}
    if not keys:
        return {}
    titles = list(dict.fromkeys(title for _, title in mapped))
    named = ", ".join(titles[:TITLES_SHOWN]) + ("…" if len(titles) > TITLES_SHOWN else "")
    since = (today or timezone.localdate()) - dt.timedelta(days=WINDOW_DAYS)
    rows = (
        FeatureUsage.objects.filter(feature__in=keys, day__gte=since, events__gt=0)
        .values("account_id")
        .annotate(used=Count("feature", distinct=True))
        .order_by()
    )
    total = len(keys)
    factors = {}
    for row in rows:
        used = row["used"]
        points = max(1, round(MAX_POINTS * used / total))
        factors[row["account_id"]] = Factor(
            points=points,
            reason=f"uses {used} of {total} related feature{'s' if total > 1 else ''} "
            f"({area}: {named}) in the last {WINDOW_DAYS} days",
        )
    return factors
