"""Use cases that change beta programs and participants. Views, the API and tasks call these.

Every nomination and participant move records a ``beta_participant_changed`` outbox event (the
account's CSM and the program's owners see it in their inbox, ``roadmap.home``)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Account
from portal.onbehalf import require_acting_for
from portal.outbox import outbox_record
from roadmap.models import BetaParticipant, BetaProgram, RoadmapItem
from roadmap.permissions import (
    NOMINATE_ANY,
    can_create_program,
    can_edit_program,
    can_manage_participants,
    can_nominate_some,
    require,
)

from . import eligibility
from .choices import STATE_DATE_FIELD, ParticipantState

# What a PM sets on a program (besides its item, fixed at creation): the form, the API
# serializer and the admin take their field lists from here.
PROGRAM_FIELDS = [
    "name",
    "goal",
    "status",
    "starts_on",
    "ends_on",
    "capacity",
    "pm_owner",
    "cs_owner",
    "min_health_score",
    "allowed_tiers",
    "allowed_segments",
    "excluded_stages",
    "sandbox_required",
    "feedback_commitment_required",
    "per_csm_cap",
]


@transaction.atomic
def beta_program_create(*, item: RoadmapItem, actor, **fields) -> BetaProgram:
    require(actor, can_create_program)
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    program = BetaProgram(item=item, **fields)
    if program.pm_owner is None and actor is not None:
        program.pm_owner = actor
    program.full_clean()
    program._history_user = actor
    program.save()
    return program


@transaction.atomic
def beta_program_update(*, program: BetaProgram, actor, **fields) -> BetaProgram:
    require(actor, can_edit_program)
    program = BetaProgram.objects.select_for_update().get(pk=program.pk)
    for name, value in fields.items():
        if name not in PROGRAM_FIELDS:
            raise TypeError(f"unknown program field {name!r}")
        setattr(program, name, value)
    program.full_clean()
    program._history_user = actor
    program.save()
    return program


def beta_participant_nominate(
    *, program: BetaProgram, account: Account, actor, reasons: list[str] | None = None
) -> BetaParticipant:
    """Nominate ``account``. Capacity and the per-CSM cap are checked under row locks (the
    program, then the CSM's user row), so concurrent nominations cannot overfill either."""
    require(actor, can_nominate_some)
    require_acting_for(actor, account, any_account_perm=NOMINATE_ANY)
    try:
        with transaction.atomic():
            return _nominate_locked(program=program, account=account, actor=actor, reasons=reasons)
    except IntegrityError as exc:
        # The unique (program, account) row: someone nominated it a moment earlier.
        raise ValidationError(f"{account} is already in {program}.") from exc


def _nominate_locked(*, program, account, actor, reasons) -> BetaParticipant:
    program = BetaProgram.objects.select_for_update().get(pk=program.pk)
    account = Account.objects.select_related("csm_owner").get(pk=account.pk)
    if account.csm_owner_id is not None and program.per_csm_cap is not None:
        # Serialises nominations of one CSM's accounts across every program.
        get_user_model().objects.select_for_update().filter(pk=account.csm_owner_id).first()
    if not program.is_open:
        raise ValidationError(f"{program} is not open for nominations.")
    existing = BetaParticipant.objects.filter(program=program, account=account).first()
    if existing is not None:
        raise ValidationError(
            f"{account} is already in {program} ({existing.get_state_display().lower()})."
        )
    result = eligibility.evaluate(program, account)
    if not result.eligible:
        why = "; ".join(r.reason for r in result.failures)
        raise ValidationError(f"{account} cannot be nominated: {why}.")
    participant = BetaParticipant(
        program=program,
        account=account,
        csm_id=account.csm_owner_id,
        nominated_by=actor,
        state=ParticipantState.NOMINATED,
        nominated_at=timezone.now(),
        nomination_reasons=list(reasons or []),
    )
    participant.full_clean(validate_constraints=False)
    participant._history_user = actor
    participant._change_reason = "nominated"
    participant.save()
    _record_change(participant, previous=None, actor=actor)
    return participant


def _record_change(participant: BetaParticipant, *, previous: str | None, actor) -> None:
    """A ``beta_participant_changed`` event (the CSM's and the program owners' inboxes)."""
    outbox_record(
        topic="beta_participant_changed",
        payload={
            "participant_id": participant.pk,
            "program_id": participant.program_id,
            "program": str(participant.program),
            "account_id": participant.account_id,
            "account": str(participant.account),
            "previous": previous,
            "state": participant.state,
            "actor_id": getattr(actor, "pk", None),
        },
    )


@transaction.atomic
def beta_participant_transition(
    *, participant: BetaParticipant, state: str, actor, note: str = ""
) -> BetaParticipant:
    """Move a participant along nominated → invited → accepted → active → completed, or to
    declined / removed. Illegal moves are refused; each move stamps its date and history."""
    require(actor, can_manage_participants)
    participant = BetaParticipant.objects.select_for_update().get(pk=participant.pk)
    if state == ParticipantState.COMPLETED:
        raise ValidationError("Complete a participant with its validation rating.")
    return _move(participant, state, actor=actor, note=note)


def _move(participant, state, *, actor, note=""):
    if state not in ParticipantState.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    if not participant.can_move_to(state):
        current = participant.get_state_display().lower()
        target = ParticipantState(state).label.lower()
        raise ValidationError(
            {"state": f"{participant.account} is {current} and cannot become {target}."}
        )
    previous = participant.state
    participant.state = state
    setattr(participant, STATE_DATE_FIELD[state], timezone.now())
    participant.full_clean(validate_constraints=False)
    participant._history_user = actor
    participant._change_reason = note or f"moved to {state}"
    participant.save()
    _record_change(participant, previous=previous, actor=actor)
    return participant


@transaction.atomic
def beta_participant_complete(
    *, participant: BetaParticipant, rating: int, comments: str = "", actor
) -> BetaParticipant:
    """Finish an active participant's beta with its validation rating (1–5) and comments."""
    require(actor, can_manage_participants)
    participant = BetaParticipant.objects.select_for_update().get(pk=participant.pk)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"validation_rating": "Give a rating from 1 to 5."})
    participant.validation_rating = rating
    participant.validation_comments = comments
    return _move(participant, ParticipantState.COMPLETED, actor=actor, note="completed")
