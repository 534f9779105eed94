"""Beta eligibility: every rule of a program answered for one account, in plain words.

Rules are small functions of (program, account, context) returning a :class:`RuleResult`. The
context carries what needs a query (places taken, each CSM's live beta accounts) so that checking
many accounts costs the same few queries as checking one.
"""

from dataclasses import dataclass, field

from portal.choices import LifecycleStage, Tier
from portal.models import Account
from roadmap.models import BetaParticipant, BetaProgram

from .choices import LIVE_STATES, SEAT_STATES

TIER_LABELS = dict(Tier.choices)
STAGE_LABELS = dict(LifecycleStage.choices)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    reason: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "passed": self.passed, "reason": self.reason}


@dataclass
class Eligibility:
    program: BetaProgram
    account: Account
    results: list[RuleResult]
    participant_state: str | None = None

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]


@dataclass
class Context:
    """Counts shared by every account checked against one program."""

    seats_taken: int = 0
    csm_load: dict[int, int] = field(default_factory=dict)  # CSM id -> live beta accounts
    states: dict[int, str] = field(default_factory=dict)  # account id -> state in this program


def _labels(values, labels) -> str:
    return ", ".join(str(labels.get(v, v)) for v in values)


def rule_health(program, account, ctx) -> RuleResult | None:
    minimum = program.min_health_score
    if minimum is None:
        return None
    if account.health_score is None:
        return RuleResult("min_health", False, f"health is unknown (the minimum is {minimum})")
    if account.health_score >= minimum:
        return RuleResult(
            "min_health", True, f"health {account.health_score} meets the minimum {minimum}"
        )
    return RuleResult(
        "min_health",
        False,
        f"health {account.health_score} is below the program's minimum {minimum}",
    )


def rule_tier(program, account, ctx) -> RuleResult | None:
    if not program.allowed_tiers:
        return None
    tier = TIER_LABELS.get(account.tier, account.tier) if account.tier else "unknown"
    if account.tier in program.allowed_tiers:
        return RuleResult("tier", True, f"tier {tier} is allowed")
    allowed = _labels(program.allowed_tiers, TIER_LABELS)
    return RuleResult("tier", False, f"tier {tier} is not among the allowed tiers ({allowed})")


def rule_segment(program, account, ctx) -> RuleResult | None:
    if not program.allowed_segments:
        return None
    segment = account.segment or "no segment"
    if account.segment in program.allowed_segments:
        return RuleResult("segment", True, f"segment {segment} is allowed")
    allowed = ", ".join(program.allowed_segments)
    return RuleResult(
        "segment", False, f"segment {segment} is not among the allowed segments ({allowed})"
    )


def rule_lifecycle(program, account, ctx) -> RuleResult | None:
    if not program.excluded_stages:
        return None
    stage = STAGE_LABELS.get(account.lifecycle_stage, account.lifecycle_stage)
    if account.lifecycle_stage in program.excluded_stages:
        return RuleResult(
            "lifecycle_stage", False, f"lifecycle stage {stage} is excluded from this program"
        )
    return RuleResult("lifecycle_stage", True, f"lifecycle stage {stage} is not excluded")


def rule_sandbox(program, account, ctx) -> RuleResult | None:
    if not program.sandbox_required:
        return None
    if account.has_sandbox:
        return RuleResult("sandbox", True, "has a sandbox, as the program requires")
    return RuleResult("sandbox", False, "has no sandbox, and the program requires one")


def rule_feedback_commitment(program, account, ctx) -> RuleResult | None:
    if not program.feedback_commitment_required:
        return None
    if account.beta_feedback_commitment:
        return RuleResult("feedback_commitment", True, "has committed to structured beta feedback")
    return RuleResult(
        "feedback_commitment",
        False,
        "has not committed to structured beta feedback, which the program requires",
    )


def rule_csm_cap(program, account, ctx) -> RuleResult | None:
    cap = program.per_csm_cap
    if cap is None:
        return None
    if account.csm_owner_id is None:
        return RuleResult("csm_cap", True, "has no CSM owner, so no CSM cap applies")
    load = ctx.csm_load.get(account.csm_owner_id, 0)
    # An account already taking part does not count against itself.
    if ctx.states.get(account.pk) in LIVE_STATES:
        load -= 1
    csm = account.csm_owner if "csm_owner" in account._state.fields_cache else "their CSM"
    if load >= cap:
        return RuleResult(
            "csm_cap",
            False,
            f"CSM {csm} already has {load} accounts in live betas; the cap is {cap}",
        )
    return RuleResult("csm_cap", True, f"CSM {csm} has {load} of {cap} live beta accounts")


def rule_capacity(program, account, ctx) -> RuleResult:
    taken = ctx.seats_taken
    if ctx.states.get(account.pk) in SEAT_STATES:
        return RuleResult("capacity", True, "already has a place in the program")
    if taken >= program.capacity:
        return RuleResult(
            "capacity",
            False,
            f"the program is full: {taken} of {program.capacity} places are taken",
        )
    return RuleResult(
        "capacity", True, f"{program.capacity - taken} of {program.capacity} places are free"
    )


RULES = [
    rule_health,
    rule_tier,
    rule_segment,
    rule_lifecycle,
    rule_sandbox,
    rule_feedback_commitment,
    rule_csm_cap,
    rule_capacity,
]


def context_for(program: BetaProgram, *, account_ids=None) -> Context:
    """Counts for ``program`` (three queries, whatever the number of accounts)."""
    seats = BetaParticipant.objects.seated().filter(program=program).count()
    load = BetaParticipant.objects.load_per_csm()
    states_qs = BetaParticipant.objects.filter(program=program)
    if account_ids is not None:
        states_qs = states_qs.filter(account_id__in=account_ids)
    states = dict(states_qs.values_list("account_id", "state"))
    return Context(seats_taken=seats, csm_load=load, states=states)


def evaluate(program: BetaProgram, account: Account, ctx: Context | None = None) -> Eligibility:
    if ctx is None:
        ctx = context_for(program, account_ids=[account.pk])
    results = [r for rule in RULES if (r := rule(program, account, ctx)) is not None]
    return Eligibility(
        program=program,
        account=account,
        results=results,
        participant_state=ctx.states.get(account.pk),
    )
