"""The priority formula on hand-computed cases (DESIGN.md "Priority score")."""

from decimal import Decimal

import pytest

from portal.models import OutboxEvent
from roadmap import scoring, selectors
from roadmap.models import RoadmapItem, ScoreSnapshot, ScoringPolicy
from roadmap.services import scoring_policy_update
from tests.factories import AccountFactory, CsRepFactory

from .factories import RoadmapItemFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ticket_signals):
    """Three accounts whose weights are round numbers:
    A enterprise, ARR 90k → 3 × (1 + log10(10)) = 6; B mid-market, ARR 0 → 2 × 1 = 2;
    C SMB, ARR 990k → 1 × (1 + log10(100)) = 3."""
    reps = [CsRepFactory(username=f"rep{i}") for i in range(3)]
    a = AccountFactory(name="A", tier="enterprise", arr=Decimal(90_000), csm_owner=reps[0])
    b = AccountFactory(name="B", tier="mid_market", arr=Decimal(0), csm_owner=reps[1])
    c = AccountFactory(name="C", tier="smb", arr=Decimal(990_000), csm_owner=reps[2])
    return {"reps": reps, "a": a, "b": b, "c": c, "ticket": ticket_signals}


def _vote(item, account, rep, level):
    return VoteFactory(item=item, account=account, rep=rep, expected_health_impact=level)


def test_votes_from_three_reps_reach_consensus(world):
    a, b, c, reps = world["a"], world["b"], world["c"], world["reps"]
    item = RoadmapItemFactory()
    _vote(item, a, reps[0], "high")  # 6 × 1.5 = 9
    _vote(item, b, reps[1], "none")  # 2 × 1.0 = 2
    _vote(item, c, reps[2], "low")  # 3 × 1.1 = 3.3

    scoring.priorities_recompute()

    item.refresh_from_db()
    b_ = item.score_breakdown
    assert item.score == Decimal("14.3000")
    assert item.rank == 1
    assert b_["demand"] == pytest.approx(14.3)
    assert b_["consensus"] is True
    assert b_["cs_reps"] == 3
    assert b_["accounts"] == 3
    assert b_["votes"] == 3
    assert b_["total_arr"] == pytest.approx(1_080_000)
    assert [t["name"] for t in b_["top_accounts"]] == ["A", "C", "B"]
    assert b_["top_accounts"][0]["share"] == pytest.approx(62.9)
    assert any("CS consensus reached" in line for line in b_["explanation"])


def test_one_account_ten_tickets_count_once_and_damping_and_effort(world):
    a, b, reps, ticket = world["a"], world["b"], world["reps"], world["ticket"]
    item = RoadmapItemFactory(impact=Decimal(2), confidence=Decimal("0.5"), effort=Decimal(4))
    for _ in range(9):
        ticket(item, a, "low")
    ticket(item, a, "high")  # A's strongest signal: 6 × 0.75 = 4.5, once
    _vote(item, b, reps[0], "medium")  # 2 × 1.25 = 2.5

    scoring.priorities_recompute()

    item.refresh_from_db()
    bd = item.score_breakdown
    assert bd["demand"] == pytest.approx(7.0)
    assert bd["accounts"] == 2
    assert bd["feedback"] == 10
    assert bd["cs_reps"] == 1
    assert bd["consensus"] is False
    assert bd["counted_demand"] == pytest.approx(3.5)  # halved: no CS consensus yet
    # 3.5 × impact 2 × confidence 0.5 ÷ effort 4
    assert item.score == Decimal("0.8750")
    assert any("No CS consensus yet" in line for line in bd["explanation"])


def test_strongest_signal_wins_and_ranks_follow_score(world):
    a, b, c, reps, ticket = world["a"], world["b"], world["c"], world["reps"], world["ticket"]
    first = RoadmapItemFactory(title="first")
    _vote(first, a, reps[0], "low")  # vote 6 × 1.1 = 6.6 beats …
    ticket(first, a, "blocker")  # … feedback 6 × 1.0 = 6
    second = RoadmapItemFactory(title="second")
    _vote(second, c, reps[2], "none")  # 3
    RoadmapItemFactory(title="nothing")
    shipped = RoadmapItemFactory(title="shipped", status="shipped")
    _vote(shipped, b, reps[1], "high")

    scoring.priorities_recompute()

    first.refresh_from_db()
    assert first.score_breakdown["demand"] == pytest.approx(6.6)
    assert first.score == Decimal("3.3000")  # 1 rep: halved
    ranks = dict(RoadmapItem.objects.values_list("title", "rank"))
    assert ranks == {"first": 1, "second": 2, "nothing": 3, "shipped": None}
    assert RoadmapItem.objects.get(title="nothing").score_breakdown["accounts"] == 0


def test_policy_weights_change_the_score(world, portal_admin):
    a, reps = world["a"], world["reps"]
    item = RoadmapItemFactory()
    _vote(item, a, reps[0], "high")
    scoring_policy_update(
        actor=portal_admin,
        tier_weight_enterprise=Decimal(5),
        consensus_threshold=1,
    )
    scoring.priorities_recompute()
    item.refresh_from_db()
    # 5 × 2 × 1.5 with consensus (threshold 1)
    assert item.score == Decimal("15.0000")
    assert item.score_breakdown["policy_version"] == 2
    assert ScoringPolicy.current().history.count() == 2


def test_snapshots_and_rank_change_events(world):
    a, b, reps = world["a"], world["b"], world["reps"]
    x = RoadmapItemFactory(title="x")
    y = RoadmapItemFactory(title="y")
    _vote(x, a, reps[0], "none")
    scoring.priorities_recompute()
    assert OutboxEvent.objects.filter(topic="roadmap_priority_changed").count() == 2
    assert ScoreSnapshot.objects.count() == 2

    scoring.priorities_recompute()  # nothing changed: no event, one more snapshot per item
    assert OutboxEvent.objects.filter(topic="roadmap_priority_changed").count() == 2
    assert ScoreSnapshot.objects.filter(item=x).count() == 2

    VoteFactory(item=y, account=b, rep=reps[1], expected_health_impact="high")
    VoteFactory(
        item=y,
        account=AccountFactory(tier="enterprise", arr=Decimal(10**7), csm_owner=reps[2]),
        rep=reps[2],
    )
    scoring.priorities_recompute()
    events = OutboxEvent.objects.filter(topic="roadmap_priority_changed").order_by("id")
    payloads = [e.payload for e in events[2:]]
    assert {(p["title"], p["previous_rank"], p["rank"]) for p in payloads} == {
        ("y", 2, 1),
        ("x", 1, 2),
    }
    # The item page lists changes only: x went 1st, then 2nd (three snapshots, two changes).
    assert ScoreSnapshot.objects.filter(item=x).count() == 3
    assert [s.rank for s in selectors.score_history(x)] == [2, 1]


def test_recompute_query_count_is_constant(world):
    """Same number of queries for 1 item with 1 vote and 31 items with 91 votes (both runs
    write scores, snapshots and rank-change events)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, b, c, reps = world["a"], world["b"], world["c"], world["reps"]
    _vote(RoadmapItemFactory(), a, reps[0], "high")
    ScoringPolicy.current()
    scoring.priorities_mark_dirty()  # the singleton rows exist, as after the first run

    def count():
        with CaptureQueriesContext(connection) as ctx:
            scoring.priorities_recompute()
        return [q["sql"][:60] for q in ctx.captured_queries]

    small = count()
    for i in range(30):
        item = RoadmapItemFactory()
        for account, rep in ((a, reps[0]), (b, reps[1]), (c, reps[2])):
            _vote(item, account, rep, ["none", "low", "medium", "high"][i % 4])
    large = count()
    assert len(large) == len(small), (small, large)


def test_saving_an_unchanged_policy_is_not_a_new_version(portal_admin):
    policy = ScoringPolicy.current()
    same = scoring_policy_update(actor=portal_admin, consensus_threshold=policy.consensus_threshold)
    assert same.version == 1
    assert ScoringPolicy.current().history.count() <= 1
