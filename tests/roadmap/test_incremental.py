"""The incremental recompute gives exactly what a full recompute gives.

Random sequences of the changes users make (votes cast and withdrawn, feedback linked and
unlinked, estimates edited, items shipped and reopened, now and then a policy edit), each through
its service so the request names the items it touched; after each step the incremental run is
compared with a full recompute of the same data: every score, rank and breakdown equal.
"""

import random
from decimal import Decimal

import pytest

from feedback import services as feedback_services
from roadmap import scoring, services
from roadmap.choices import ItemStatus
from roadmap.models import RoadmapItem, ScoringDirtyItem, Vote
from tests.factories import AccountFactory, CsRepFactory
from tests.feedback.factories import TicketFactory

from .factories import RoadmapItemFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TIERS = ["enterprise", "mid_market", "smb"]
LEVELS = ["none", "low", "medium", "high"]


def state():
    return {
        pk: (score, rank, breakdown)
        for pk, score, rank, breakdown in RoadmapItem.objects.values_list(
            "id", "score", "rank", "score_breakdown"
        )
    }


def world(rng):
    reps = CsRepFactory.create_batch(4)
    accounts = [
        AccountFactory(
            tier=rng.choice(TIERS),
            arr=Decimal(rng.randrange(0, 900_000)),
            csm_owner=rng.choice(reps),
        )
        for _ in range(25)
    ]
    items = RoadmapItemFactory.create_batch(15)
    for _ in range(40):
        account = rng.choice(accounts)
        services.vote_cast(
            item=rng.choice(items),
            account=account,
            rep=account.csm_owner,
            evidence="needed",
            expected_health_impact=rng.choice(LEVELS),
        )
    tickets = [TicketFactory(account=rng.choice(accounts), impact="high") for _ in range(10)]
    scoring.priorities_recompute()
    return reps, accounts, items, tickets


def step(rng, pm, accounts, items, tickets):
    """One random change through its service; returns what it was, for the failure message."""
    kind = rng.choice(
        ["vote", "vote", "withdraw", "link", "unlink", "estimate", "status", "policy"]
    )
    item = RoadmapItem.objects.get(pk=rng.choice(items).pk)
    if kind == "vote" and item.is_open:
        account = rng.choice(accounts)
        services.vote_cast(
            item=item, account=account, rep=account.csm_owner, evidence="e",
            expected_health_impact=rng.choice(LEVELS),
        )  # fmt: skip
    elif kind == "withdraw" and (vote := Vote.objects.filter(item=item).first()):
        services.vote_withdraw(vote=vote, actor=vote.rep)
    elif kind == "link":
        feedback_services.ticket_link_item(ticket=rng.choice(tickets), item=item, actor=pm)
    elif kind == "unlink":
        feedback_services.ticket_link_item(ticket=rng.choice(tickets), item=None, actor=pm)
    elif kind == "estimate":
        services.roadmap_item_update(
            item=item, actor=pm, impact=Decimal(rng.choice(["0.5", "1", "2", "3"]))
        )
    elif kind == "status":
        target = ItemStatus.SHIPPED if item.is_open else ItemStatus.PLANNED
        services.roadmap_item_set_status(item=item, status=target, actor=pm)
    elif kind == "policy":
        services.scoring_policy_update(actor=pm, consensus_threshold=rng.choice([1, 2, 3]))
    return f"{kind} on item {item.pk}"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_and_full_recompute_agree_after_random_changes(seed, pm):
    rng = random.Random(seed)
    _reps, accounts, items, tickets = world(rng)
    done = []
    for _ in range(25):
        done.append(step(rng, pm, accounts, items, tickets))
        scoring.priorities_recompute_if_dirty()
        assert not scoring.priorities_pending()
        incremental = state()
        scoring.priorities_recompute()
        assert state() == incremental, f"after {done}"


def test_a_vote_rescores_only_its_item_and_moves_the_others_ranks(pm, cs_rep):
    items = RoadmapItemFactory.create_batch(5)
    for n, item in enumerate(items):
        for account in AccountFactory.create_batch(n + 1, csm_owner=cs_rep):
            services.vote_cast(item=item, account=account, rep=cs_rep, evidence="e")
    scoring.priorities_recompute()
    last = items[0]  # one account: ranked last
    assert RoadmapItem.objects.get(pk=last.pk).rank == 5
    for account in AccountFactory.create_batch(9, tier="enterprise", csm_owner=cs_rep):
        services.vote_cast(item=last, account=account, rep=cs_rep, evidence="e")
    assert list(ScoringDirtyItem.objects.values_list("item_id", flat=True)) == [last.pk]
    result = scoring.priorities_recompute_if_dirty()
    assert result.items == 1  # re-scored: the voted item only
    assert result.rank_changes == 5  # it moved to the top, the four others one place down
    assert RoadmapItem.objects.get(pk=last.pk).rank == 1
    assert sorted(RoadmapItem.objects.values_list("rank", flat=True)) == [1, 2, 3, 4, 5]


def test_an_item_that_ships_leaves_the_ranking_at_once(pm, cs_rep):
    a, b = RoadmapItemFactory.create_batch(2)
    for item, n in ((a, 3), (b, 1)):
        for account in AccountFactory.create_batch(n, csm_owner=cs_rep):
            services.vote_cast(item=item, account=account, rep=cs_rep, evidence="e")
    scoring.priorities_recompute()
    services.roadmap_item_set_status(item=a, status=ItemStatus.SHIPPED, actor=pm)
    scoring.priorities_recompute_if_dirty()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.rank, b.rank) == (None, 1)
