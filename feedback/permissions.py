"""Who may do what with feedback: the one answer for views, templates and the API.

Views guard with :func:`required` (function views) or :class:`PredicateRequiredMixin`; pages get
:func:`ticket_actions` (booleans from the same predicates) instead of reading ``perms.*``; the
API checks :func:`api_requires` / :class:`TicketApiPermissions` and the same predicates."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.api.permissions import RoleModelPermissions

from .choices import TicketStatus

VIEW = "feedback.view_feedbackticket"
SUBMIT = "feedback.add_feedbackticket"
JOIN = "feedback.join_feedbackticket"
TRIAGE = "feedback.triage_feedbackticket"
VIEW_EVIDENCE = "feedback.view_ticketattachment"
CREATE_ITEM = "roadmap.add_roadmapitem"

TRIAGE_REFUSED = "Only product managers triage feedback."
CREATE_ITEM_REFUSED = "Your role cannot create roadmap items."


def can_view(user) -> bool:
    """See tickets (every one: a rep looks for an existing ticket before filing)."""
    return user.has_perm(VIEW)


def can_submit(user) -> bool:
    """File feedback (and see "my feedback")."""
    return user.has_perm(SUBMIT)


def can_join(user, ticket=None) -> bool:
    """Add an account to ``ticket`` ("add my account to this one"); without a ticket: whether the
    role may join tickets at all. A duplicate is joined through the ticket it duplicates."""
    if not user.has_perm(JOIN):
        return False
    return ticket is None or ticket.status != TicketStatus.DUPLICATE


def can_triage(user, ticket=None) -> bool:
    """Triage (product area, category, impact, status, roadmap item): PMs, on any ticket."""
    return user.has_perm(TRIAGE)


def can_merge(user, ticket) -> bool:
    """Mark ``ticket`` as a duplicate of another (a duplicate is not merged again)."""
    return can_triage(user, ticket) and ticket.status != TicketStatus.DUPLICATE


def can_create_item(user, ticket=None) -> bool:
    """Create a roadmap item from a ticket: a triager whose role may create roadmap items."""
    return can_triage(user, ticket) and user.has_perm(CREATE_ITEM)


def can_view_evidence(user, attachment=None) -> bool:
    """Download evidence: a role that may see evidence, of a ticket the user may see."""
    return user.has_perm(VIEW_EVIDENCE) and can_view(user)


def ticket_actions(user, ticket) -> dict[str, bool]:
    """What the ticket page offers this user (``can.join``, ``can.triage``, … in templates)."""
    return {
        "join": can_join(user, ticket),
        "triage": can_triage(user, ticket),
        "merge": can_merge(user, ticket),
        "create_item": can_create_item(user, ticket),
    }


def required(predicate):
    """A function view's guard: ``PermissionDenied`` (403) unless ``predicate(request.user)``."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


class PredicateRequiredMixin:
    """A class-based view's guard: ``predicate`` (one of this module's, taking the user)."""

    predicate = None

    def dispatch(self, request, *args, **kwargs):
        if not type(self).predicate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TicketApiPermissions(RoleModelPermissions):
    """The ticket resource: reads need ``view``, create needs ``add``, update needs ``change``
    (the view then asks :func:`can_triage`). A method the resource does not route (DELETE:
    feedback is declined or merged, never deleted) is left to DRF, which answers 405."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) is None and request.method not in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


def api_requires(predicate) -> type[BasePermission]:
    """A DRF permission class for an endpoint guarded by one predicate (taking the user)."""

    class Allows(BasePermission):
        message = "Your role does not allow this action."

        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and predicate(user))

    Allows.__name__ = f"Allows_{predicate.__name__}"
    return Allows
