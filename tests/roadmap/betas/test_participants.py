"""Nominations, the participant state machine, validation and the positive-validation rate."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roadmap.betas import services
from roadmap.betas.selectors import validation_rate
from roadmap.models import BetaParticipant
from tests.factories import AccountFactory, CsRepFactory

from ..factories import BetaProgramFactory

pytestmark = pytest.mark.django_db


def walk(participant, pm, *states):
    for state in states:
        participant = services.beta_participant_transition(
            participant=participant, state=state, actor=pm
        )
    return participant


def test_full_path_stamps_dates_and_history(pm, account):
    program = BetaProgramFactory()
    p = services.beta_participant_nominate(program=program, account=account, actor=pm)
    assert p.state == "nominated" and p.nominated_at and p.csm == account.csm_owner
    p = walk(p, pm, "invited", "accepted", "active")
    p = services.beta_participant_complete(participant=p, rating=4, comments="Great", actor=pm)
    p.refresh_from_db()
    assert p.state == "completed" and p.validation_rating == 4
    assert all([p.invited_at, p.accepted_at, p.activated_at, p.completed_at])
    history = list(p.history.order_by("history_date").values_list("state", "history_user"))
    assert [s for s, _ in history] == ["nominated", "invited", "accepted", "active", "completed"]
    assert {u for _, u in history} == {pm.pk}


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "accepted"),
        ([], "active"),
        (["invited"], "nominated"),
        (["invited", "accepted", "active"], "invited"),
        (["declined"], "invited"),
        (["removed"], "nominated"),
    ],
)
def test_illegal_transitions_are_refused(pm, account, path, illegal):
    p = services.beta_participant_nominate(program=BetaProgramFactory(), account=account, actor=pm)
    p = walk(p, pm, *path)
    with pytest.raises(ValidationError, match="cannot become"):
        services.beta_participant_transition(participant=p, state=illegal, actor=pm)
    p.refresh_from_db()
    assert p.state == (path[-1] if path else "nominated")


def test_completion_needs_an_active_participant_and_a_rating_1_to_5(pm, account):
    p = services.beta_participant_nominate(program=BetaProgramFactory(), account=account, actor=pm)
    with pytest.raises(ValidationError):
        services.beta_participant_complete(participant=p, rating=5, actor=pm)
    p = walk(p, pm, "invited", "accepted", "active")
    for bad in (0, 6):
        with pytest.raises(ValidationError, match="1 to 5"):
            services.beta_participant_complete(participant=p, rating=bad, actor=pm)
    with pytest.raises(ValidationError, match="validation rating"):
        services.beta_participant_transition(participant=p, state="completed", actor=pm)


def test_positive_validation_rate_against_the_75_percent_target(pm):
    program = BetaProgramFactory()
    assert validation_rate(program).summary == "no validations yet (target 75% positive)"
    for rating in (5, 4, 2, 4):
        p = services.beta_participant_nominate(program=program, account=AccountFactory(), actor=pm)
        p = walk(p, pm, "invited", "accepted", "active")
        services.beta_participant_complete(participant=p, rating=rating, actor=pm)
    rate = validation_rate(program)
    assert (rate.rated, rate.positive, rate.percent, rate.meets_target) == (4, 3, 75, True)
    assert rate.summary == "75% positive (3 of 4 rated 4 or 5), which meets the 75% target"
    p = services.beta_participant_nominate(program=program, account=AccountFactory(), actor=pm)
    p = walk(p, pm, "invited", "accepted", "active")
    services.beta_participant_complete(participant=p, rating=3, actor=pm)
    assert validation_rate(program).percent == 60
    assert not validation_rate(program).meets_target


def test_capacity_refuses_with_a_clear_message(pm):
    program = BetaProgramFactory(capacity=1)
    services.beta_participant_nominate(program=program, account=AccountFactory(), actor=pm)
    with pytest.raises(ValidationError) as exc:
        services.beta_participant_nominate(
            program=program, account=AccountFactory(name="Second"), actor=pm
        )
    assert exc.value.messages == [
        "Second cannot be nominated: the program is full: 1 of 1 places are taken."
    ]


def test_declined_and_removed_free_the_place(pm):
    program = BetaProgramFactory(capacity=1)
    first = services.beta_participant_nominate(program=program, account=AccountFactory(), actor=pm)
    walk(first, pm, "declined")
    services.beta_participant_nominate(program=program, account=AccountFactory(), actor=pm)
    assert program.participants.seated().count() == 1


def test_the_same_account_twice_is_refused(pm, account):
    program = BetaProgramFactory()
    services.beta_participant_nominate(program=program, account=account, actor=pm)
    with pytest.raises(ValidationError, match="already in"):
        services.beta_participant_nominate(program=program, account=account, actor=pm)


def test_cs_rep_nominates_only_accounts_they_manage(cs_rep, cs_rep_colleague, account):
    program = BetaProgramFactory()
    with pytest.raises(ValidationError, match="accounts you manage"):
        services.beta_participant_nominate(program=program, account=account, actor=cs_rep_colleague)
    p = services.beta_participant_nominate(program=program, account=account, actor=cs_rep)
    assert p.nominated_by == cs_rep
    with pytest.raises(PermissionDenied):
        services.beta_participant_transition(participant=p, state="invited", actor=cs_rep)


def test_closed_program_takes_no_nominations(pm, account):
    program = BetaProgramFactory(status="running")
    with pytest.raises(ValidationError, match="not open"):
        services.beta_participant_nominate(program=program, account=account, actor=pm)


def test_ineligible_account_is_refused_with_the_reasons(pm):
    program = BetaProgramFactory(min_health_score=70, sandbox_required=True)
    weak = AccountFactory(name="Weak", health_score=50, has_sandbox=False)
    with pytest.raises(ValidationError) as exc:
        services.beta_participant_nominate(program=program, account=weak, actor=pm)
    assert exc.value.messages == [
        "Weak cannot be nominated: health 50 is below the program's minimum 70; "
        "has no sandbox, and the program requires one."
    ]
    assert not BetaParticipant.objects.exists()


def test_per_csm_cap_holds_across_programs(pm):
    csm = CsRepFactory(username="capped")
    services.beta_participant_nominate(
        program=BetaProgramFactory(), account=AccountFactory(csm_owner=csm), actor=pm
    )
    capped = BetaProgramFactory(per_csm_cap=1)
    with pytest.raises(ValidationError, match="cap is 1"):
        services.beta_participant_nominate(
            program=capped, account=AccountFactory(csm_owner=csm), actor=pm
        )
    assert not capped.participants.exists()
