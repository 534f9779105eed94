"""Triage in a flow: undoing a merge or a decline, and bulk actions on selected tickets.

Services like those in ``services.py`` (atomic, history with the acting user and a reason,
priorities told after commit). An undo is its own operation with its own rules, not a second
merge or status change:

- only the PM who acted undoes, and only for :data:`UNDO_WINDOW` after the action;
- an action is undone once; a ticket changed since (declined ticket re-opened, merged ticket's
  kept ticket merged in turn) cannot be undone: the message names why;
- an undo puts back exactly what the action recorded (the accounts and evidence a merge moved,
  the kept ticket's fields it filled, the status before), and says so in both tickets' history.

Bulk actions take up to :data:`BULK_LIMIT` tickets and apply one action to all of them in one
transaction: one refused ticket refuses the batch (the message names it) and nothing is written.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roadmap.models import RoadmapItem
from roadmap.scoring import priorities_request

from .choices import TicketStatus
from .models import FeedbackTicket, TicketAccount, TicketAttachment, TriageAction
from .services import (
    _MOVED_NOTE,
    _record_status_change,
    _save,
    attachments_move,
    ticket_link_item,
    ticket_set_status,
)

UNDO_WINDOW = timedelta(minutes=10)
BULK_LIMIT = 100
BULK_ACTIONS = ("triage", "link", "decline")


def undo_problem(action: TriageAction, *, actor, now=None) -> str:
    """Why ``actor`` may not undo ``action`` now, or ``""``."""
    now = now or timezone.now()
    if action.undone_at is not None:
        return f"This {action.get_kind_display().lower()} of #{action.ticket_id} is already undone."
    if action.actor_id != actor.pk:
        return "Only the person who made this change can undo it."
    if now - action.created_at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        return f"Too late to undo: a change can be undone for {minutes} minutes."
    return ""


def _close(action: TriageAction, *, actor, now) -> None:
    action.undone_at = now
    action.undone_by = actor
    action.save(update_fields=["undone_at", "undone_by"])


@transaction.atomic
def feedback_merge_undo(*, action: TriageAction, actor) -> FeedbackTicket:
    """Undo a merge: the duplicate re-opens with its previous status, the accounts and evidence
    the merge moved come back to it, and the kept ticket loses what the merge filled in."""
    action = TriageAction.objects.select_for_update().get(pk=action.pk)
    if action.kind != TriageAction.Kind.MERGE:
        raise ValidationError("This change is not a merge.")
    now = timezone.now()
    if problem := undo_problem(action, actor=actor, now=now):
        raise ValidationError(problem)
    locked = {
        t.pk: t
        for t in FeedbackTicket.objects.select_for_update()
        .filter(pk__in=[action.ticket_id, action.kept_id])
        .order_by("pk")
    }
    ticket, kept = locked[action.ticket_id], locked[action.kept_id]
    if ticket.status != TicketStatus.DUPLICATE or ticket.duplicate_of_id != kept.pk:
        raise ValidationError(f"#{ticket.pk} is no longer a duplicate of #{kept.pk}.")
    links = list(TicketAccount.objects.filter(pk__in=action.moved_links, ticket=kept))
    if len(links) != len(action.moved_links):
        since = (
            f" (#{kept.pk} is merged into #{kept.duplicate_of_id})" if kept.duplicate_of_id else ""
        )
        raise ValidationError(
            f"The accounts moved onto #{kept.pk} are no longer all there{since}: "
            "the merge cannot be undone."
        )
    suffix = _MOVED_NOTE.format(ticket.pk)
    for link in links:
        link.ticket = ticket
        # Back on the duplicate, its own account's link is the one made at filing again.
        filing = (ticket.account_id, ticket.submitter_id)
        link.joined = (link.account_id, link.added_by_id) != filing
        link.note = link.note.removesuffix(suffix).strip()
        link.save(update_fields=["ticket", "joined", "note"])
    attachments_move(
        list(TicketAttachment.objects.filter(pk__in=action.moved_attachments, ticket=kept)),
        to=ticket,
        actor=actor,
        reason=f"Merge into #{kept.pk} undone",
    )
    kept_fields = []
    if "roadmap_item" in action.kept_fields and kept.roadmap_item_id == ticket.roadmap_item_id:
        kept.roadmap_item = None
        kept_fields.append("roadmap_item")
    if "beta_program" in action.kept_fields and kept.beta_program_id == ticket.beta_program_id:
        kept.beta_program = None
        kept_fields.append("beta_program")
    kept.account_count = TicketAccount.objects.filter(ticket=kept).count()
    _save(
        kept,
        actor=actor,
        reason=f"Undid merge of #{ticket.pk}",
        fields=[*kept_fields, "account_count"],
    )
    ticket.status = action.previous_status
    ticket.duplicate_of = None
    ticket.account_count = TicketAccount.objects.filter(ticket=ticket).count()
    _save(
        ticket,
        actor=actor,
        reason=f"Undid merge into #{kept.pk}",
        fields=["status", "duplicate_of", "account_count"],
    )
    _close(action, actor=actor, now=now)
    _record_status_change(ticket, previous=TicketStatus.DUPLICATE, actor=actor)
    priorities_request(cause="feedback", item_ids=[ticket.roadmap_item_id, kept.roadmap_item_id])
    return ticket


@transaction.atomic
def feedback_decline_undo(*, actions: list[TriageAction], actor) -> list[FeedbackTicket]:
    """Undo declines (one, or a bulk decline's batch): each ticket gets its status and reason
    from before the decline back. All or nothing."""
    now = timezone.now()
    actions = list(
        TriageAction.objects.select_for_update()
        .filter(pk__in=[a.pk for a in actions])
        .order_by("ticket_id")
    )
    if not actions:
        raise ValidationError("Nothing to undo.")
    tickets = {
        t.pk: t
        for t in FeedbackTicket.objects.select_for_update()
        .filter(pk__in=[a.ticket_id for a in actions])
        .order_by("pk")
    }
    restored = []
    for action in actions:
        if action.kind != TriageAction.Kind.DECLINE:
            raise ValidationError("This change is not a decline.")
        if problem := undo_problem(action, actor=actor, now=now):
            raise ValidationError(problem)
        ticket = tickets[action.ticket_id]
        if ticket.status != TicketStatus.DECLINED:
            raise ValidationError(
                f"#{ticket.pk} is {ticket.get_status_display().lower()} now, no longer declined."
            )
        ticket.status = action.previous_status
        ticket.declined_reason = action.previous_declined_reason
        _save(ticket, actor=actor, reason="Undid decline", fields=["status", "declined_reason"])
        _close(action, actor=actor, now=now)
        _record_status_change(ticket, previous=TicketStatus.DECLINED, actor=actor)
        restored.append(ticket)
    priorities_request(cause="feedback", item_ids=[t.roadmap_item_id for t in restored])
    return restored


@transaction.atomic
def feedback_undo(*, batch: uuid.UUID, actor) -> list[FeedbackTicket]:
    """Undo one user action by its batch id (what the message's "Undo" link names)."""
    actions = list(TriageAction.objects.filter(batch=batch).order_by("pk"))
    if not actions:
        raise ValidationError("There is nothing to undo under this link.")
    if actions[0].kind == TriageAction.Kind.MERGE:
        return [feedback_merge_undo(action=a, actor=actor) for a in actions]
    return feedback_decline_undo(actions=actions, actor=actor)


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the tickets, in id order, and the batch an undo names."""

    action: str
    tickets: list[FeedbackTicket]
    batch: uuid.UUID

    @property
    def count(self) -> int:
        return len(self.tickets)

    @property
    def undoable(self) -> bool:
        return self.action == "decline"


@transaction.atomic
def feedback_bulk_apply(
    *,
    ticket_ids: list[int],
    action: str,
    actor,
    item: RoadmapItem | None = None,
    reason: str = "",
    expected: int | None = None,
) -> BulkResult:
    """Apply one action to the selected tickets, all or nothing: ``triage`` (new → triaged),
    ``link`` (to ``item``) or ``decline`` (with ``reason``; undoable as one batch).

    ``expected`` is the count the user confirmed ("Decline 12 tickets?"): when the selection
    no longer matches it (a ticket was deleted or the list changed), nothing is done."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": f"Choose one of: {', '.join(BULK_ACTIONS)}."})
    ids = sorted({int(pk) for pk in ticket_ids})
    if not ids:
        raise ValidationError({"tickets": "Select at least one ticket."})
    if len(ids) > BULK_LIMIT:
        raise ValidationError(
            {"tickets": f"Select at most {BULK_LIMIT} tickets at once; {len(ids)} are selected."}
        )
    if action == "link" and item is None:
        raise ValidationError({"item": "Choose the roadmap item to link the tickets to."})
    if action == "decline" and not reason.strip():
        raise ValidationError({"declined_reason": "Say why the tickets are declined."})
    tickets = list(FeedbackTicket.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(tickets) != len(ids) or (expected is not None and expected != len(ids)):
        raise ValidationError(
            {"tickets": "The selection changed since you confirmed it: nothing was done."}
        )
    batch = uuid.uuid4()
    done = []
    for ticket in tickets:
        try:
            if action == "triage":
                if ticket.status != TicketStatus.NEW:
                    raise ValidationError(f"it is {ticket.get_status_display().lower()}, not new")
                done.append(
                    ticket_set_status(ticket=ticket, status=TicketStatus.TRIAGED, actor=actor)
                )
            elif action == "link":
                if ticket.status == TicketStatus.DUPLICATE:
                    raise ValidationError(f"it is a duplicate of #{ticket.duplicate_of_id}")
                done.append(ticket_link_item(ticket=ticket, item=item, actor=actor))
            else:
                if ticket.status == TicketStatus.DECLINED:
                    raise ValidationError("it is declined already")
                done.append(
                    ticket_set_status(
                        ticket=ticket,
                        status=TicketStatus.DECLINED,
                        actor=actor,
                        reason=reason,
                        batch=batch,
                    )
                )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "tickets": f"#{ticket.pk} cannot be changed: {' '.join(exc.messages)} "
                    "Nothing was done."
                }
            ) from exc
    return BulkResult(action=action, tickets=done, batch=batch)
