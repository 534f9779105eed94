"""Each eligibility rule alone, then combined; the reasons are plain words."""

import pytest

from portal.choices import LifecycleStage, Tier
from roadmap.betas.eligibility import evaluate
from roadmap.models import BetaParticipant
from tests.factories import AccountFactory, CsRepFactory

from ..factories import BetaProgramFactory

pytestmark = pytest.mark.django_db

# (program rules, passing account fields, failing account fields, rule name, failing words)
CASES = [
    (
        {"min_health_score": 70},
        {"health_score": 70},
        {"health_score": 62},
        "min_health",
        "health 62 is below the program's minimum 70",
    ),
    (
        {"allowed_tiers": [Tier.ENTERPRISE, Tier.MID_MARKET]},
        {"tier": Tier.ENTERPRISE},
        {"tier": Tier.SMB},
        "tier",
        "tier SMB is not among the allowed tiers (Enterprise, Mid-market)",
    ),
    (
        {"allowed_segments": ["fintech", "retail"]},
        {"segment": "retail"},
        {"segment": "healthcare"},
        "segment",
        "segment healthcare is not among the allowed segments (fintech, retail)",
    ),
    (
        {"excluded_stages": [LifecycleStage.AT_RISK, LifecycleStage.CHURNED]},
        {"lifecycle_stage": LifecycleStage.MATURE},
        {"lifecycle_stage": LifecycleStage.AT_RISK},
        "lifecycle_stage",
        "lifecycle stage At risk is excluded from this program",
    ),
    (
        {"sandbox_required": True},
        {"has_sandbox": True},
        {"has_sandbox": False},
        "sandbox",
        "has no sandbox, and the program requires one",
    ),
    (
        {"feedback_commitment_required": True},
        {"beta_feedback_commitment": True},
        {"beta_feedback_commitment": False},
        "feedback_commitment",
        "has not committed to structured beta feedback, which the program requires",
    ),
]


@pytest.mark.parametrize(
    ("rules", "passing", "failing", "rule", "words"), CASES, ids=[c[3] for c in CASES]
)
def test_each_rule_alone(rules, passing, failing, rule, words):
    program = BetaProgramFactory(**rules)
    ok = evaluate(program, AccountFactory(**passing))
    assert ok.eligible
    assert [r.rule for r in ok.results] == [rule, "capacity"]
    refused = evaluate(program, AccountFactory(**failing))
    assert not refused.eligible
    assert [(r.rule, r.reason) for r in refused.failures] == [(rule, words)]


def test_a_program_without_rules_only_checks_capacity():
    result = evaluate(BetaProgramFactory(), AccountFactory())
    assert result.eligible
    assert [(r.rule, r.reason) for r in result.results] == [
        ("capacity", "10 of 10 places are free")
    ]


def test_capacity_rule_when_the_program_is_full():
    program = BetaProgramFactory(capacity=1)
    BetaParticipant.objects.create(program=program, account=AccountFactory())
    result = evaluate(program, AccountFactory())
    assert [r.reason for r in result.failures] == ["the program is full: 1 of 1 places are taken"]


def test_per_csm_cap_counts_live_betas_across_programs():
    csm = CsRepFactory(username="busy", first_name="Bea")
    program = BetaProgramFactory(per_csm_cap=2)
    for other in (BetaProgramFactory(), BetaProgramFactory()):
        BetaParticipant.objects.create(
            program=other, account=AccountFactory(csm_owner=csm), csm=csm, state="active"
        )
    # Finished betas no longer keep the CSM busy.
    BetaParticipant.objects.create(
        program=BetaProgramFactory(), account=AccountFactory(), csm=csm, state="completed"
    )
    result = evaluate(program, AccountFactory(csm_owner=csm))
    assert [(r.rule, r.reason) for r in result.failures] == [
        ("csm_cap", "CSM Bea already has 2 accounts in live betas; the cap is 2")
    ]
    other_csm = evaluate(program, AccountFactory(csm_owner=CsRepFactory(username="free")))
    assert other_csm.eligible


def test_rules_combined_list_every_failure_in_order():
    program = BetaProgramFactory(
        min_health_score=70,
        allowed_tiers=[Tier.ENTERPRISE],
        allowed_segments=["fintech"],
        excluded_stages=[LifecycleStage.AT_RISK],
        sandbox_required=True,
        feedback_commitment_required=True,
        per_csm_cap=3,
    )
    perfect = AccountFactory(
        health_score=90,
        tier=Tier.ENTERPRISE,
        segment="fintech",
        lifecycle_stage=LifecycleStage.MATURE,
        has_sandbox=True,
        beta_feedback_commitment=True,
        csm_owner=CsRepFactory(username="csm1"),
    )
    result = evaluate(program, perfect)
    assert result.eligible and len(result.results) == 8
    poor = AccountFactory(
        health_score=30,
        tier=Tier.SMB,
        segment="retail",
        lifecycle_stage=LifecycleStage.AT_RISK,
        has_sandbox=False,
        beta_feedback_commitment=False,
    )
    result = evaluate(program, poor)
    assert [r.rule for r in result.failures] == [
        "min_health",
        "tier",
        "segment",
        "lifecycle_stage",
        "sandbox",
        "feedback_commitment",
    ]
    # Only the health rule failing: still ineligible, for exactly that reason.
    almost = AccountFactory(
        health_score=69,
        tier=Tier.ENTERPRISE,
        segment="fintech",
        has_sandbox=True,
        beta_feedback_commitment=True,
    )
    assert [r.reason for r in evaluate(program, almost).failures] == [
        "health 69 is below the program's minimum 70"
    ]
