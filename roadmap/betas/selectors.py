"""Reads for the beta pages and the API, each a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from portal.models import Account
from roadmap.demand import signals_for_item
from roadmap.models import BetaParticipant, BetaProgram

from . import eligibility
from .choices import POSITIVE_RATING_FROM, POSITIVE_VALIDATION_TARGET, SEAT_STATES
from .factors import candidate_factors

# Success profile: the account's health plus its strongest demand signal of each kind on the item.
# Votes carry the CS rep's expected health impact, feedback the ticket's impact.
SIGNAL_POINTS = {
    "vote": {"none": 15, "low": 20, "medium": 25, "high": 30},
    "feedback": {"blocker": 30, "high": 22, "medium": 14, "low": 7},
}
OTHER_SIGNAL_POINTS = 10
SIGNAL_WORDS = {"vote": "voted for this item", "feedback": "filed feedback on this item"}
COMMITMENT_POINTS = 5
SANDBOX_POINTS = 5


@dataclass
class Candidate:
    account: Account
    score: int
    reasons: list[str] = field(default_factory=list)
    checks: list = field(default_factory=list)


def programs_for_list():
    """Programs with their places taken and validation counts (filter with
    :class:`~roadmap.betas.filtersets.BetaProgramFilterSet`)."""
    return BetaProgram.objects.for_lists()


@dataclass
class ValidationRate:
    rated: int
    positive: int
    target: int = POSITIVE_VALIDATION_TARGET

    @property
    def percent(self) -> int | None:
        return round(100 * self.positive / self.rated) if self.rated else None

    @property
    def meets_target(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.target

    @property
    def summary(self) -> str:
        if not self.rated:
            return f"no validations yet (target {self.target}% positive)"
        verdict = "meets" if self.meets_target else "is below"
        return (
            f"{self.percent}% positive ({self.positive} of {self.rated} rated 4 or 5), "
            f"which {verdict} the {self.target}% target"
        )


def validation_rate(program: BetaProgram) -> ValidationRate:
    if hasattr(program, "rated_count"):
        return ValidationRate(rated=program.rated_count, positive=program.positive_count)
    counts = program.participants.aggregate(
        rated=Count("id", filter=Q(validation_rating__isnull=False)),
        positive=Count("id", filter=Q(validation_rating__gte=POSITIVE_RATING_FROM)),
    )
    return ValidationRate(**counts)


def participants_for(program: BetaProgram):
    return (
        BetaParticipant.objects.filter(program=program)
        .select_related("account", "csm", "nominated_by")
        .order_by("state", "account__name")
    )


def _profile(account: Account, signals: list[dict]) -> tuple[int, list[str]]:
    # An unknown health scores 0 here (explicitly, and said so in the reasons).
    score = account.health_score if account.health_score is not None else 0
    band = account.health_band or ""
    reasons = [
        "health unknown (counted as 0)"
        if account.health_score is None
        else f"health {account.health_score} ({band})"
        if band
        else f"health {account.health_score}"
    ]
    strongest: dict[str, tuple[int, str]] = {}
    for signal in signals:
        kind = signal["kind"]
        points = SIGNAL_POINTS.get(kind, {}).get(signal["level"], OTHER_SIGNAL_POINTS)
        if points > strongest.get(kind, (-1, ""))[0]:
            strongest[kind] = (points, signal["level"])
    for kind, (points, level) in sorted(strongest.items()):
        score += points
        words = SIGNAL_WORDS.get(kind, f"{kind} signal on this item")
        reasons.append(f"{words} ({level})")
    if account.beta_feedback_commitment:
        score += COMMITMENT_POINTS
        reasons.append("committed to structured feedback")
    if account.has_sandbox:
        score += SANDBOX_POINTS
        reasons.append("has a sandbox")
    return score, reasons


def candidates_for(program: BetaProgram, *, limit: int | None = 50) -> list[Candidate]:
    """Eligible accounts not yet in the program, best success profile first, with the reasons.

    Queries: the accounts (rules that SQL can apply are applied there), the program's counts, one
    per demand source and those of each registered candidate factor
    (:mod:`roadmap.betas.factors`); the rest is arithmetic."""
    accounts = Account.objects.active().select_related("csm_owner")
    if program.min_health_score is not None:
        accounts = accounts.filter(health_score__gte=program.min_health_score)
    if program.allowed_tiers:
        accounts = accounts.filter(tier__in=program.allowed_tiers)
    if program.allowed_segments:
        accounts = accounts.filter(segment__in=program.allowed_segments)
    if program.excluded_stages:
        accounts = accounts.exclude(lifecycle_stage__in=program.excluded_stages)
    if program.sandbox_required:
        accounts = accounts.filter(has_sandbox=True)
    if program.feedback_commitment_required:
        accounts = accounts.filter(beta_feedback_commitment=True)
    accounts = accounts.exclude(beta_participations__program=program)
    ctx = eligibility.context_for(program)
    by_account: dict[int, list[dict]] = {}
    for signal in signals_for_item(program.item_id):
        by_account.setdefault(signal["account_id"], []).append(signal)
    # What later apps add (e.g. adoption of the features of related items), each for every
    # account at once.
    extra = [factor(program) for _, factor in sorted(candidate_factors().items())]
    candidates = []
    for account in accounts:
        checks = eligibility.evaluate(program, account, ctx)
        # The per-CSM cap is a rule of its own; a full program still shows who would be next.
        if any(not r.passed and r.rule != "capacity" for r in checks.results):
            continue
        score, reasons = _profile(account, by_account.get(account.pk, []))
        for found in extra:
            factor = found.get(account.pk)
            if factor is not None:
                score += factor.points
                reasons.append(factor.reason)
        candidates.append(Candidate(account=account, score=score, reasons=reasons, checks=checks))
    candidates.sort(key=lambda c: (-c.score, -(c.account.health_score or 0), c.account.name))
    return candidates[:limit] if limit else candidates


@dataclass
class AccountProgramEligibility:
    program: BetaProgram
    eligible: bool
    state: str | None
    results: list


def eligibility_for_account(account: Account) -> list[AccountProgramEligibility]:
    """The account against every open program (four queries whatever the number of programs)."""
    programs = list(BetaProgram.objects.open().select_related("item").order_by("name", "id"))
    seats = dict(
        BetaParticipant.objects.filter(program__in=programs, state__in=SEAT_STATES)
        .values_list("program_id")
        .annotate(n=Count("id"))
        .values_list("program_id", "n")
    )
    states = dict(
        BetaParticipant.objects.filter(account=account, program__in=programs).values_list(
            "program_id", "state"
        )
    )
    load = BetaParticipant.objects.load_per_csm()
    answers = []
    for program in programs:
        ctx = eligibility.Context(
            seats_taken=seats.get(program.pk, 0),
            csm_load=load,
            states={account.pk: states[program.pk]} if program.pk in states else {},
        )
        result = eligibility.evaluate(program, account, ctx)
        answers.append(
            AccountProgramEligibility(
                program=program,
                eligible=result.eligible,
                state=states.get(program.pk),
                results=result.results,
            )
        )
    return answers
