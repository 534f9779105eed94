"""Who may do what on a map: the one place views, templates (``map_permissions`` tags), the API
and the services ask.

Two layers: the role (a Django permission: ``may_*``) and the criterion's state with the
four-eyes rule (``*_refusal`` says why not, in words the user sees; ``can_*`` combines both).
The verifier is never the admin who ticked the criterion.
"""

from __future__ import annotations

from integrations.models import AcceptanceCriterion

VIEW_PERM = "integrations.view_integrationmap"
IMPORT_PERM = "integrations.add_integrationmap"
MAP_SETTINGS_PERM = "integrations.change_integrationmap"
POINT_OWNER_PERM = "integrations.change_integrationpoint"
KPI_PERM = "integrations.change_kpitarget"
TICK_PERM = "integrations.change_acceptancecriterion"  # tick and un-tick
VERIFY_PERM = "integrations.verify_acceptancecriterion"


def _has(user, perm: str) -> bool:
    return bool(user and user.has_perm(perm))


def may_import(user) -> bool:
    return _has(user, IMPORT_PERM)


def may_set_cycle_start(user) -> bool:
    return _has(user, MAP_SETTINGS_PERM)


def may_set_owner_team(user) -> bool:
    return _has(user, POINT_OWNER_PERM)


def may_record_kpi(user) -> bool:
    return _has(user, KPI_PERM)


def may_tick(user) -> bool:
    return _has(user, TICK_PERM)


def may_verify(user) -> bool:
    return _has(user, VERIFY_PERM)


def tick_refusal(user, criterion: AcceptanceCriterion) -> str:
    if criterion.is_done:
        return (
            f"Already ticked by {criterion.done_by or 'the importer'} "
            f"on {criterion.done_at:%Y-%m-%d %H:%M}."
        )
    return ""


def is_ticker(user, criterion: AcceptanceCriterion) -> bool:
    """``user`` ticked ``criterion`` (so someone else must verify it)."""
    return user is not None and criterion.done_by_id is not None and criterion.done_by_id == user.pk


def verify_refusal(user, criterion: AcceptanceCriterion) -> str:
    if not criterion.is_done:
        return "Only a ticked criterion can be verified; tick it first."
    if criterion.is_verified:
        return f"Already verified by {criterion.verified_by}."
    if is_ticker(user, criterion):
        return "You ticked this criterion, so you cannot verify it: another admin must check it."
    return ""


def untick_refusal(user, criterion: AcceptanceCriterion) -> str:
    if not criterion.is_done:
        return "This criterion is not ticked."
    return ""


def can_tick(user, criterion: AcceptanceCriterion) -> bool:
    return may_tick(user) and not tick_refusal(user, criterion)


def can_verify(user, criterion: AcceptanceCriterion) -> bool:
    return may_verify(user) and not verify_refusal(user, criterion)


def can_untick(user, criterion: AcceptanceCriterion) -> bool:
    return may_tick(user) and not untick_refusal(user, criterion)
