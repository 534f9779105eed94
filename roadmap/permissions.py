"""Who may do what in the roadmap app: one predicate per question, asked by the views, the API,
the services and the templates (``{% load roadmap_tags %}`` … ``{% if user|can_edit_item:item %}``).

A predicate answers for one user (and the object in question); it never queries beyond the
user's permission cache, so asking it once per row of a list costs nothing. Services call
:func:`require` for the role check and raise ``PermissionDenied`` themselves.
"""

from django.core.exceptions import PermissionDenied

from portal.onbehalf import may_act_for

VOTE_ANY = "roadmap.vote_any_account"
NOMINATE_ANY = "roadmap.nominate_any_betaparticipant"

# --- Items, votes, scoring ------------------------------------------------------------------------


def can_create_item(user) -> bool:
    return user.has_perm("roadmap.add_roadmapitem")


def can_edit_item(user, item=None) -> bool:
    return user.has_perm("roadmap.change_roadmapitem")


def can_move_item(user, item=None) -> bool:
    """PMs move cards between the board's columns (and so ship or decline items)."""
    return user.has_perm("roadmap.change_roadmapitem")


def can_vote_for(user, account) -> bool:
    """CS reps vote on behalf of the accounts they manage (``portal.onbehalf``; any account
    with ``vote_any_account``)."""
    if not user.has_perm("roadmap.add_vote"):
        return False
    return may_act_for(user, account, any_account_perm=VOTE_ANY)


def can_vote_on(user, item) -> bool:
    """Whether the item page offers the vote form: a voter's role and an open item."""
    return user.has_perm("roadmap.add_vote") and item.is_open


def can_withdraw(user, vote) -> bool:
    """The rep who cast a vote, or whoever may vote for its account now."""
    if not user.has_perm("roadmap.delete_vote"):
        return False
    return vote.rep_id == user.pk or can_vote_for(user, vote.account)


def can_change_policy(user) -> bool:
    return user.has_perm("roadmap.change_scoringpolicy")


def can_recompute(user) -> bool:
    return user.has_perm("roadmap.recompute_scoringpolicy")


# --- Beta programs --------------------------------------------------------------------------------


def can_create_program(user) -> bool:
    return user.has_perm("roadmap.add_betaprogram")


def can_edit_program(user, program=None) -> bool:
    return user.has_perm("roadmap.change_betaprogram")


def can_nominate_some(user) -> bool:
    """Whether the user nominates at all (the candidates table shows its button column)."""
    return user.has_perm("roadmap.nominate_betaparticipant") or user.has_perm(NOMINATE_ANY)


def can_nominate(user, account) -> bool:
    """PMs nominate any account; CS reps only the accounts they manage."""
    if not can_nominate_some(user):
        return False
    return may_act_for(user, account, any_account_perm=NOMINATE_ANY)


def can_manage_participants(user, program=None) -> bool:
    """Invite, activate, complete, decline or remove participants."""
    return user.has_perm("roadmap.change_betaparticipant")


# --- Launch plans ---------------------------------------------------------------------------------


def can_create_launch(user) -> bool:
    return user.has_perm("roadmap.add_launchplan")


def can_move_launch(user, plan=None) -> bool:
    return user.has_perm("roadmap.change_launchplan")


def can_add_milestone(user, plan=None) -> bool:
    return user.has_perm("roadmap.add_milestone")


def can_manage_milestones(user, plan=None) -> bool:
    """Tick, reopen and move milestones."""
    return user.has_perm("roadmap.change_milestone")


# --- For services -------------------------------------------------------------------------------


def require(actor, predicate, *objects, message: str = "") -> None:
    """Raise ``PermissionDenied`` unless ``predicate(actor, *objects)``. ``actor=None`` is the
    system (demo data, tasks): always allowed."""
    if actor is not None and not predicate(actor, *objects):
        raise PermissionDenied(message or "Your role does not allow this action.")
