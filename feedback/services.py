"""Use cases that change feedback. Form views, API views and tasks call these; none re-implement.

Each is atomic, validates with ``full_clean``, records the ticket's history with the acting user
and a reason, and tells the roadmap (after commit) when demand on its items changed.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.models import Account
from portal.outbox import outbox_record
from roadmap.models import RoadmapItem
from roadmap.scoring import priorities_request
from roadmap.services import roadmap_item_create

from .attachments import MAX_FILES, evidence_type
from .choices import OPEN_STATUSES, TRANSITIONS, TicketStatus
from .models import FeedbackTicket, TicketAccount, TicketAttachment

SUBMIT_FIELDS = (
    "title",
    "description",
    "category",
    "impact",
    "source",
    "product_area",
    "customer_quote",
    "beta_program",
)


def _save(ticket: FeedbackTicket, *, actor, reason: str = "", fields=None, exclude=None) -> None:
    ticket.full_clean(exclude=exclude)
    ticket._history_user = actor
    ticket._change_reason = reason[:100] if reason else None
    if fields is None:
        ticket.save()
    else:
        ticket.save(update_fields=[*fields, "updated_at"])


def _locked(ticket: FeedbackTicket) -> FeedbackTicket:
    return FeedbackTicket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def feedback_submit(
    *, account: Account, submitter, files: Iterable = (), **fields
) -> FeedbackTicket:
    """File a ticket for ``account``: the account joins it, evidence is stored, and a
    ``feedback_submitted`` event is recorded in the same transaction."""
    unknown = set(fields) - set(SUBMIT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    ticket = FeedbackTicket(account=account, submitter=submitter, **fields)
    # Account and submitter come in as saved instances: no need to look them up again.
    _save(ticket, actor=submitter, reason="Submitted", exclude=["account", "submitter"])
    # A brand-new ticket has no accounts yet: the link needs no uniqueness check either.
    TicketAccount.objects.create(ticket=ticket, account=account, added_by=submitter)
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError({"attachments": f"Attach at most {MAX_FILES} files."})
    for upload in files:
        attachment_add(ticket=ticket, upload=upload, actor=submitter)
    outbox_record(
        topic="feedback_submitted",
        payload={
            "ticket_id": ticket.pk,
            "title": ticket.title,
            "account_id": account.pk,
            "account": account.name,
            "category": ticket.category,
            "impact": ticket.impact,
            "source": ticket.source,
            "product_area": ticket.product_area,
            "submitter": submitter.username,
            "beta_program_id": ticket.beta_program_id,
        },
    )
    return ticket


@transaction.atomic
def attachment_add(*, ticket: FeedbackTicket, upload, actor) -> TicketAttachment:
    """Store one evidence file through Django's storage API, after checking its content."""
    try:
        content_type = evidence_type(upload)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from exc
    attachment = TicketAttachment(
        ticket=ticket,
        original_name=(upload.name or "evidence")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or "evidence", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def ticket_join(
    *, ticket: FeedbackTicket, account: Account, actor, note: str = ""
) -> TicketAccount:
    """ "Add my account to this one": the account's voice counts on the existing ticket."""
    ticket = _locked(ticket)
    if ticket.status == TicketStatus.DUPLICATE:
        raise ValidationError(
            {
                "ticket": f"#{ticket.pk} is a duplicate: "
                f"add the account to #{ticket.duplicate_of_id}."
            }
        )
    if TicketAccount.objects.filter(ticket=ticket, account=account).exists():
        raise ValidationError({"account": f"{account} is already on #{ticket.pk}."})
    link = TicketAccount(ticket=ticket, account=account, added_by=actor, note=note.strip())
    link.full_clean()
    link.save()
    ticket.account_count = ticket.ticket_accounts.count()
    _save(ticket, actor=actor, reason=f"Added account {account.name}", fields=["account_count"])
    priorities_request(cause="feedback", item_ids=[ticket.roadmap_item_id])
    return link


@transaction.atomic
def ticket_set_status(
    *, ticket: FeedbackTicket, status: str, actor, reason: str = ""
) -> FeedbackTicket:
    """Move a ticket along the workflow; anything else is refused. Declining needs a reason."""
    ticket = _locked(ticket)
    if status == ticket.status:
        return ticket
    if status == TicketStatus.DUPLICATE:
        raise ValidationError({"status": "Mark a duplicate by naming the ticket it duplicates."})
    if status not in TRANSITIONS.get(ticket.status, []):
        allowed = ", ".join(TicketStatus(s).label for s in TRANSITIONS.get(ticket.status, []))
        raise ValidationError(
            {
                "status": f"A {ticket.get_status_display().lower()} ticket cannot become "
                f"{TicketStatus(status).label.lower() if status in TicketStatus.values else status}"
                f" (allowed: {allowed or 'none'})."
            }
        )
    previous = ticket.status
    ticket.status = status
    if status == TicketStatus.DECLINED:
        ticket.declined_reason = reason.strip()
        if not ticket.declined_reason:
            raise ValidationError({"declined_reason": "Say why the ticket is declined."})
    _save(
        ticket,
        actor=actor,
        reason=f"Status {previous} → {status}",
        fields=["status", "declined_reason"],
    )
    if TicketStatus.DECLINED in (status, previous):
        priorities_request(cause="feedback", item_ids=[ticket.roadmap_item_id])
    if status == TicketStatus.SHIPPED:
        # Shipped by hand (usually in a request): the outbox relay, not the request, enqueues the
        # emails, so a slow or unreachable broker never holds up the page.
        outbox_record(
            topic="feedback_shipped",
            payload={"ticket_ids": [ticket.pk], "item_id": ticket.roadmap_item_id},
        )
    return ticket


@transaction.atomic
def ticket_triage(
    *,
    ticket: FeedbackTicket,
    actor,
    status: str | None = None,
    declined_reason: str = "",
    **fields,
) -> FeedbackTicket:
    """A PM's triage: product area, category, impact (and a status move, through the workflow)."""
    allowed = {"product_area", "category", "impact"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    ticket = _locked(ticket)
    changed = [name for name, value in fields.items() if getattr(ticket, name) != value]
    impact_changed = "impact" in changed
    for name in changed:
        setattr(ticket, name, fields[name])
    if changed:
        _save(ticket, actor=actor, reason="Triaged", fields=changed)
    if impact_changed and ticket.status not in (TicketStatus.DECLINED, TicketStatus.DUPLICATE):
        priorities_request(cause="feedback", item_ids=[ticket.roadmap_item_id])
    if status and status != ticket.status:
        ticket = ticket_set_status(
            ticket=ticket, status=status, actor=actor, reason=declined_reason
        )
    return ticket


@transaction.atomic
def ticket_link_item(*, ticket: FeedbackTicket, item: RoadmapItem | None, actor) -> FeedbackTicket:
    """Link the ticket to a roadmap item (or unlink with ``item=None``): its accounts become
    demand on that item."""
    ticket = _locked(ticket)
    previous = ticket.roadmap_item_id
    new = item.pk if item is not None else None
    if previous == new:
        return ticket
    ticket.roadmap_item = item
    reason = f"Linked to roadmap item #{new}" if new else f"Unlinked from roadmap item #{previous}"
    _save(ticket, actor=actor, reason=reason, fields=["roadmap_item"])
    priorities_request(cause="feedback", item_ids=[previous, new])
    return ticket


@transaction.atomic
def ticket_create_item(*, ticket: FeedbackTicket, actor, **item_fields) -> RoadmapItem:
    """Create a roadmap item from the ticket (title, description, product area by default) and
    link the ticket to it."""
    fields = {
        "title": ticket.title,
        "description": ticket.description,
        "product_area": ticket.product_area,
        **{k: v for k, v in item_fields.items() if v not in (None, "")},
    }
    item = roadmap_item_create(actor=actor, **fields)
    ticket_link_item(ticket=ticket, item=item, actor=actor)
    if ticket.status == TicketStatus.NEW:
        ticket_set_status(ticket=ticket, status=TicketStatus.TRIAGED, actor=actor)
    return item


@transaction.atomic
def ticket_mark_duplicate(*, ticket: FeedbackTicket, kept: FeedbackTicket, actor) -> FeedbackTicket:
    """Close ``ticket`` as a duplicate of ``kept``: its accounts, evidence, roadmap item and beta
    program move onto the kept ticket (accounts already there stay as they are)."""
    if ticket.pk == kept.pk:
        raise ValidationError({"duplicate_of": "A ticket cannot duplicate itself."})
    # Lock both in id order so two merges crossing each other cannot deadlock.
    locked = {
        t.pk: t
        for t in FeedbackTicket.objects.select_for_update()
        .filter(pk__in=[ticket.pk, kept.pk])
        .order_by("pk")
    }
    ticket, kept = locked[ticket.pk], locked[kept.pk]
    if kept.status == TicketStatus.DUPLICATE:
        raise ValidationError(
            {"duplicate_of": f"#{kept.pk} is itself a duplicate of #{kept.duplicate_of_id}."}
        )
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError(
            {"duplicate_of": f"A {ticket.get_status_display().lower()} ticket cannot be merged."}
        )
    on_kept = set(TicketAccount.objects.filter(ticket=kept).values_list("account_id", flat=True))
    moved = []
    for link in TicketAccount.objects.filter(ticket=ticket).select_related("account"):
        if link.account_id in on_kept:
            continue
        link.ticket = kept
        link.note = (link.note + f"\n(moved from duplicate #{ticket.pk})").strip()
        link.save(update_fields=["ticket", "note"])
        moved.append(link.account.name)
    TicketAttachment.objects.filter(ticket=ticket).update(ticket=kept)
    kept_fields = []
    if kept.roadmap_item_id is None and ticket.roadmap_item_id is not None:
        kept.roadmap_item_id = ticket.roadmap_item_id
        kept_fields.append("roadmap_item")
    if kept.beta_program_id is None and ticket.beta_program_id is not None:
        kept.beta_program_id = ticket.beta_program_id
        kept_fields.append("beta_program")
    kept.account_count = TicketAccount.objects.filter(ticket=kept).count()
    reason = f"Merged duplicate #{ticket.pk}" + (f": {', '.join(moved)}" if moved else "")
    _save(kept, actor=actor, reason=reason, fields=[*kept_fields, "account_count"])
    old_item = ticket.roadmap_item_id
    ticket.status = TicketStatus.DUPLICATE
    ticket.duplicate_of = kept
    ticket.account_count = TicketAccount.objects.filter(ticket=ticket).count()
    _save(
        ticket,
        actor=actor,
        reason=f"Duplicate of #{kept.pk}",
        fields=["status", "duplicate_of", "account_count"],
    )
    priorities_request(cause="feedback", item_ids=[old_item, kept.roadmap_item_id])
    return ticket


# --- Close the loop ---------------------------------------------------------------------------


@transaction.atomic
def tickets_ship_for_item(*, item_id: int, actor=None) -> list[int]:
    """The item shipped: its open tickets become shipped and their people are told (once).

    Safe to run again: tickets already shipped are left alone, and the notification task sends
    nothing twice."""
    tickets = list(
        FeedbackTicket.objects.select_for_update()
        .filter(roadmap_item_id=item_id, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    for ticket in tickets:
        ticket.status = TicketStatus.SHIPPED
        _save(
            ticket,
            actor=actor,
            reason=f"Roadmap item #{item_id} shipped",
            fields=["status"],
        )
    ids = list(
        FeedbackTicket.objects.filter(
            roadmap_item_id=item_id, status=TicketStatus.SHIPPED
        ).values_list("pk", flat=True)
    )
    shipped_notify_on_commit(ids)
    return [t.pk for t in tickets]


def shipped_notify_on_commit(ticket_ids: list[int]) -> None:
    """Queue the close-the-loop emails once the current transaction commits (called from the
    outbox relay, i.e. in a worker)."""
    if not ticket_ids:
        return
    from .tasks import feedback_shipped_notify

    ids = sorted(ticket_ids)
    transaction.on_commit(lambda: feedback_shipped_notify.delay(ticket_ids=ids))
