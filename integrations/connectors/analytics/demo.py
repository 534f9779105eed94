"""Demo adoption (idempotent): the demo's shipped items ship analytics features, shipped weeks
ago, with usage that makes every adoption panel show something true — some requesters adopted,
some are barrier accounts (their CSMs have something to do), retail lags, a share of adopters
used it once and never again, and one item has an aha milestone."""

import datetime as dt
import random

from django.utils import timezone

from integrations.models import AdoptionMilestone, FeatureUsage
from portal.models import Account
from roadmap.demand import demand_sources
from roadmap.features import roadmap_item_set_features
from roadmap.models import RoadmapItem

# title → (feature keys, days since ship, aha milestone (uses, days) or None)
SHIPPED = {
    "Scheduled CSV exports": (["exports.scheduled", "exports.csv_download"], 63, (5, 7)),
    "Task due-date reminders": (["reminders.due_date"], 38, None),
    "Dark mode": (["ui.dark_mode"], 20, None),
}
LAGGING_SEGMENT = "retail"


def seed(*, scale: int = 1, stdout=None) -> dict:
    rng = random.Random(12)
    now = timezone.now()
    today = timezone.localdate()
    mapped = rows = 0
    for title, (keys, age, aha) in SHIPPED.items():
        item = RoadmapItem.objects.filter(title=title, status="shipped").first()
        if item is None or item.features.exists():
            continue
        shipped_at = now - dt.timedelta(days=age)
        # Demo only: the roadmap demo ships its items "now"; move the ship date back so the
        # barrier window and the weekly trend have something to show.
        RoadmapItem.objects.filter(pk=item.pk).update(shipped_at=shipped_at)
        roadmap_item_set_features(item=item, feature_keys=keys)
        if aha:
            AdoptionMilestone.objects.get_or_create(
                item=item, defaults={"uses": aha[0], "days": aha[1]}
            )
        mapped += 1
        rows += _usage(item.pk, keys, timezone.localdate(shipped_at), today, rng)
    if stdout:
        stdout.write(f"adoption: {mapped} shipped items mapped, {rows} usage rows")
    return {"adoption_items": mapped, "adoption_usage": rows}


def _requesters(item_id: int) -> set[int]:
    ids: set[int] = set()
    for source in demand_sources().values():
        ids |= set(source().filter(item_id=item_id).values_list("account_id", flat=True))
    return ids


def _usage(item_id, keys, shipped: dt.date, today: dt.date, rng) -> int:
    asked = _requesters(item_id)
    days = (today - shipped).days
    new = []
    for account in Account.objects.active().order_by("pk"):
        chance = 0.6 if account.pk in asked else 0.25
        if account.segment == LAGGING_SEGMENT:
            chance *= 0.2
        if rng.random() >= chance:
            continue
        first = shipped + dt.timedelta(days=rng.randint(0, max(0, min(days - 1, 30))))
        used = [first]
        if rng.random() >= 0.25:  # the others tried it once and never came back
            day = first
            while (day := day + dt.timedelta(days=rng.randint(1, 4))) <= today:
                used.append(day)
        for day in used:
            new.append(
                FeatureUsage(
                    account=account,
                    feature=rng.choice(keys),
                    day=day,
                    events=rng.randint(1, 6),
                    users=rng.randint(1, 4),
                )
            )
    FeatureUsage.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    return len(new)
