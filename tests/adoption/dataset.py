"""A hand-computed data set with a fixed clock (today = 2026-11-20, shipped 2026-10-01 10:00 UTC),
used by the adoption tests. The expected figures are worked out in docs/adoption.md's example
and in the comments below, not by running the code.

| acct | segment | tier       | health | asked     | use of the item's keys (day: events) |
| A1   | fintech | enterprise | 90     | vote      | 10-01: 3, 10-02: 2, 10-20: 1         |
| A2   | fintech | enterprise | 80     | vote      | 11-05: 1                             |
| A3   | fintech | mid_market | 30     | ticket    | —  (barrier, ARR 120k)               |
| A4   | retail  | smb        | 40     | vote      | —  (barrier, ARR 20k)                |
| A5   | retail  | smb        | 50     | —         | 11-18: 6                             |
| A6   | retail  | mid_market | 70     | —         | 10-10: 0 events (does not count)     |
| A7   | fintech | mid_market | 60     | —         | 09-20: 4 (before ship: not counted)  |
| A8   | saas    | enterprise | 75     | —         | another feature only                 |
| A9   | fintech | (churned)  | 90     | vote      | 10-05: 9 (churned: not counted)      |
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from integrations.models import AdoptionMilestone, FeatureUsage
from portal.choices import LifecycleStage
from roadmap.features import roadmap_item_set_features
from tests.factories import AccountFactory, CsRepFactory
from tests.feedback.factories import TicketFactory
from tests.roadmap.factories import RoadmapItemFactory, VoteFactory

TODAY = dt.date(2026, 11, 20)
SHIPPED_AT = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)
KEYS = ["sso.login", "sso.setup"]


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def build(*, milestone=(5, 7)) -> dict:
    riley = CsRepFactory(username="riley", first_name="Riley", last_name="Rep")
    casey = CsRepFactory(username="casey", first_name="Casey", last_name="Care")
    item = RoadmapItemFactory(
        title="Okta SSO", status="shipped", shipped_at=SHIPPED_AT, product_area="security"
    )
    roadmap_item_set_features(item=item, feature_keys=KEYS)
    spec = {
        "A1": ("fintech", "enterprise", 90, riley, 50_000),
        "A2": ("fintech", "enterprise", 80, casey, 40_000),
        "A3": ("fintech", "mid_market", 30, riley, 120_000),
        "A4": ("retail", "smb", 40, casey, 20_000),
        "A5": ("retail", "smb", 50, riley, 10_000),
        "A6": ("retail", "mid_market", 70, casey, 30_000),
        "A7": ("fintech", "mid_market", 60, riley, 30_000),
        "A8": ("saas", "enterprise", 75, casey, 90_000),
        "A9": ("fintech", "enterprise", 90, riley, 10_000),
    }
    a = {}
    for name, (segment, tier, health, csm, arr) in spec.items():
        a[name] = AccountFactory(
            name=name,
            segment=segment,
            tier=tier,
            health_score=health,
            csm_owner=csm,
            arr=Decimal(arr),
            lifecycle_stage=LifecycleStage.CHURNED if name == "A9" else LifecycleStage.ADOPTING,
        )
    VoteFactory(item=item, account=a["A1"], rep=riley, evidence="Needs SSO for 400 seats.")
    VoteFactory(item=item, account=a["A2"], rep=casey, evidence="IT blocks rollout without it.")
    VoteFactory(
        item=item, account=a["A4"], rep=casey, evidence="Security review in Q4 asks for SSO."
    )
    VoteFactory(item=item, account=a["A9"], rep=riley, evidence="Churned anyway.")
    TicketFactory(account=a["A3"], submitter=riley, roadmap_item=item, title="Okta login please")
    usage = [
        ("A1", "sso.login", d(10, 1), 3),
        ("A1", "sso.setup", d(10, 2), 2),
        ("A1", "sso.login", d(10, 20), 1),
        ("A2", "sso.setup", d(11, 5), 1),
        ("A5", "sso.login", d(11, 18), 6),
        ("A6", "sso.login", d(10, 10), 0),
        ("A7", "sso.login", d(9, 20), 4),
        ("A8", "reports", d(11, 1), 7),
        ("A9", "sso.login", d(10, 5), 9),
    ]
    for name, key, day, events in usage:
        FeatureUsage.objects.create(account=a[name], feature=key, day=day, events=events)
    if milestone:
        AdoptionMilestone.objects.create(item=item, uses=milestone[0], days=milestone[1])
    return {"item": item, "accounts": a, "riley": riley, "casey": casey}


def now_is_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0), dt.UTC)
