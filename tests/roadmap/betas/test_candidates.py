"""Candidates: eligible accounts not yet in the program, ranked by success profile."""

import pytest

from roadmap.betas.selectors import candidates_for
from roadmap.models import BetaParticipant
from tests.factories import AccountFactory, CsRepFactory

from ..factories import BetaProgramFactory

pytestmark = pytest.mark.django_db


def test_ranking_on_a_hand_built_set(demand_source):
    program = BetaProgramFactory(min_health_score=50)
    item = program.item
    AccountFactory(name="Healthy", health_score=95)
    voter = AccountFactory(name="Voter", health_score=70)
    blocker = AccountFactory(name="Blocker", health_score=72)
    both = AccountFactory(name="Both", health_score=60, beta_feedback_commitment=True)
    AccountFactory(name="Too sick", health_score=40)
    taken = AccountFactory(name="Already in", health_score=99)
    BetaParticipant.objects.create(program=program, account=taken)
    other_item_voter = AccountFactory(name="Other item", health_score=66)

    demand_source(item, voter, "vote", "high")  # 70 + 30 = 100
    demand_source(item, blocker, "feedback", "blocker")  # 72 + 30 = 102
    demand_source(item, both, "vote", "medium")  # 60 + 25 + 14 + 5 = 104
    demand_source(item, both, "feedback", "medium")
    demand_source(BetaProgramFactory().item, other_item_voter, "vote", "high")  # 66

    ranked = candidates_for(program)
    assert [(c.account.name, c.score) for c in ranked] == [
        ("Both", 104),
        ("Blocker", 102),
        ("Voter", 100),
        ("Healthy", 95),
        ("Other item", 66),
    ]
    assert ranked[0].reasons == [
        "health 60 (yellow)",
        "filed feedback on this item (medium)",
        "voted for this item (medium)",
        "committed to structured feedback",
    ]
    assert ranked[2].reasons == ["health 70 (green)", "voted for this item (high)"]


def test_ties_break_on_health_then_name(demand_source):
    program = BetaProgramFactory()
    AccountFactory(name="Beta", health_score=80)
    AccountFactory(name="Alpha", health_score=80)
    low = AccountFactory(name="Aardvark", health_score=65)
    demand_source(program.item, low, "vote", "none")  # 65 + 15 = 80
    assert [c.account.name for c in candidates_for(program)] == ["Alpha", "Beta", "Aardvark"]


def test_churned_excluded_and_capped_accounts_are_not_candidates():
    program = BetaProgramFactory(per_csm_cap=1, excluded_stages=["at_risk"])
    busy = CsRepFactory(username="busy_csm")
    BetaParticipant.objects.create(
        program=BetaProgramFactory(),
        account=AccountFactory(csm_owner=busy),
        csm=busy,
        state="active",
    )
    AccountFactory(name="Gone", lifecycle_stage="churned")
    AccountFactory(name="Risky", lifecycle_stage="at_risk")
    AccountFactory(name="Busy CSM's", csm_owner=busy)
    AccountFactory(name="Fine")
    assert [c.account.name for c in candidates_for(program)] == ["Fine"]


def test_a_full_program_still_shows_who_would_be_next():
    program = BetaProgramFactory(capacity=1)
    BetaParticipant.objects.create(program=program, account=AccountFactory(name="In"))
    AccountFactory(name="Next")
    assert [c.account.name for c in candidates_for(program)] == ["Next"]
