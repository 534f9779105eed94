"""Demo data for the roadmap (idempotent): ~25 items across the board's columns, votes from the
demo CS reps on the accounts they manage, then a recompute so the board shows ranks. Beta
programs and launch plans are seeded last. ``scale`` multiplies the items (and their votes)."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.models import Account, User

from .betas.demo import seed as seed_beta
from .choices import HealthImpact, ItemStatus
from .models import RoadmapItem, Vote
from .scoring import priorities_recompute

U, P, I, S, D = (  # noqa: E741
    ItemStatus.UNDER_CONSIDERATION,
    ItemStatus.PLANNED,
    ItemStatus.IN_PROGRESS,
    ItemStatus.SHIPPED,
    ItemStatus.DECLINED,
)
# (title, product area, status, horizon, impact, confidence, effort)
ITEMS = [
    ("Workflow automation builder", "automation", I, "now", "2", "0.8", "5"),
    ("Salesforce two-way sync", "integrations", P, "next", "2", "0.7", "4"),
    ("Custom health score formulas", "analytics", U, "next", "1.5", "0.6", "3"),
    ("SSO with Okta and Azure AD", "security", I, "now", "1.5", "0.9", "2"),
    ("Audit log export", "security", P, "next", "1", "0.9", "1"),
    ("Bulk edit accounts", "core", U, "later", "1", "0.8", "1"),
    ("Slack alerts for churn risk", "integrations", U, "next", "1.5", "0.7", "1.5"),
    ("Executive dashboard PDF export", "reporting", U, "later", "1", "0.6", "2"),
    ("Renewal forecast by segment", "analytics", P, "next", "2", "0.5", "4"),
    ("Mobile app for CSMs", "mobile", U, "later", "1.5", "0.4", "8"),
    ("Playbook templates library", "automation", U, "next", "1", "0.8", "2"),
    ("NPS survey scheduling", "surveys", P, "now", "1", "0.9", "1"),
    ("HubSpot timeline events", "integrations", U, "later", "1", "0.7", "2"),
    ("Usage-based health signals", "analytics", I, "now", "2", "0.8", "3"),
    ("Customer portal branding", "core", U, "later", "0.5", "0.8", "1"),
    ("Zendesk ticket sentiment", "integrations", U, "next", "1.5", "0.5", "3"),
    ("Role-based dashboards", "reporting", P, "next", "1", "0.8", "2"),
    ("Data residency in the EU", "security", U, "later", "2", "0.6", "6"),
    ("Scheduled CSV exports", "reporting", S, "", "1", "1", "1"),
    ("Dark mode", "core", S, "", "0.5", "1", "1"),
    ("Task due-date reminders", "automation", S, "", "1", "1", "1"),
    ("Account hierarchy (parent/child)", "core", U, "next", "1.5", "0.7", "4"),
    ("Outcome tracking per success plan", "analytics", U, "next", "2", "0.6", "3"),
    ("Jira issue sync for feedback", "integrations", I, "now", "1", "0.9", "2"),
    ("Blockchain loyalty points", "core", D, "", "0.5", "0.2", "8"),
]
EVIDENCE = [
    "Their ops team spends ~6 hours a week on this by hand; the sponsor said it blocks renewal.",
    "Raised in the QBR by the VP of Customer Success; expansion of 40 seats depends on it.",
    "Adoption of the reporting module stalled at 30% because of this gap (usage data attached).",
    "Champion confirmed in writing that this would let them retire a competing tool.",
    "Support tickets on this topic doubled last quarter; the admin is frustrated.",
]
IMPACTS = [HealthImpact.LOW, HealthImpact.MEDIUM, HealthImpact.MEDIUM, HealthImpact.HIGH]


def seed(*, scale: int = 1, stdout=None) -> dict:
    items = _seed_items(scale=scale)
    votes = _seed_votes(items)
    # Shipped items were ranked while they were open: score them as in progress first, then let
    # them ship (their last score stays; they leave the ranking).
    shipped = [i.pk for i in items if i.status == S and i.scored_at is None]
    RoadmapItem.objects.filter(pk__in=shipped).update(status=I)
    priorities_recompute()
    RoadmapItem.objects.filter(pk__in=shipped).update(status=S, shipped_at=timezone.now())
    result = priorities_recompute()
    if stdout is not None:
        stdout.write(f"roadmap items: {len(items)}, votes: {votes}, ranked: {result.items}")
    return {"roadmap_items": len(items), "votes": votes, **seed_beta(scale=scale, stdout=stdout)}


def _seed_items(*, scale: int) -> list[RoadmapItem]:
    pms = list(User.objects.filter(groups__name="product_manager").order_by("username"))
    existing = {i.title: i for i in RoadmapItem.objects.all()}
    items = []
    for copy in range(max(scale, 1)):
        for index, (title, area, status, horizon, impact, confidence, effort) in enumerate(ITEMS):
            name = title if copy == 0 else f"{title} ({copy + 1})"
            item = existing.get(name)
            if item is None:
                item = RoadmapItem.objects.create(
                    title=name,
                    description=(
                        f"**{title}** for the {area} area.\n\n"
                        "- Requested by several accounts through their CSMs\n"
                        "- See the votes' evidence for the outcomes they expect"
                    ),
                    product_area=area,
                    status=status,
                    horizon=horizon,
                    owner=pms[index % len(pms)] if pms else None,
                    impact=Decimal(impact),
                    confidence=Decimal(confidence),
                    effort=Decimal(effort),
                )
            items.append(item)
    return items


def _seed_votes(items: list[RoadmapItem]) -> int:
    """Votes from each demo rep on some of their accounts; deterministic and idempotent."""
    rng = random.Random(7)
    accounts = list(
        Account.objects.active().filter(csm_owner__isnull=False).order_by("crm_id", "id")
    )
    if not accounts:
        return 0
    new = []
    for index, item in enumerate(items):
        if item.status == ItemStatus.DECLINED:
            continue
        # Earlier items in the list are the popular ones; some have too few reps for consensus.
        wanted = max(1, int(len(accounts) * (0.45 - 0.015 * (index % len(ITEMS)))))
        pool = accounts
        if index % 5 == 4:  # one rep's accounts only: "no CS consensus yet"
            pool = [a for a in accounts if a.csm_owner_id == accounts[0].csm_owner_id]
        for account in rng.sample(pool, min(wanted, len(pool))):
            new.append(
                Vote(
                    item=item,
                    account=account,
                    rep_id=account.csm_owner_id,
                    evidence=rng.choice(EVIDENCE),
                    expected_health_impact=rng.choice(IMPACTS),
                )
            )
    with transaction.atomic():
        Vote.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    return Vote.objects.count()
