"""Use cases that change feedback. Form views, API views and tasks call these; none re-implement.

Each is atomic, validates with ``full_clean``, records the ticket's history with the acting user
and a reason, and tells the roadmap (after commit) when demand on its items changed.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_update_with_history

from portal.models import Account
from portal.onbehalf import require_acting_for
from portal.outbox import outbox_record
from roadmap.models import RoadmapItem
from roadmap.scoring import priorities_request
from roadmap.services import roadmap_item_create

from .attachments import MAX_FILES, evidence_type, stored_name
from .choices import OPEN_STATUSES, TRANSITIONS, TicketStatus
from .models import (
    SUBMIT_FIELDS,
    FeedbackTicket,
    IdempotencyKey,
    TicketAccount,
    TicketAttachment,
    TriageAction,
)

BATCH_LIMIT = 50
TRIAGE_FIELDS = ("product_area", "category", "impact")
_UNCHANGED = object()
# Appended to an account's note when a merge moves it (and taken off again by the undo).
_MOVED_NOTE = "(moved from duplicate #{})"


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
    require_acting_for(submitter, account)
    ticket = FeedbackTicket(account=account, submitter=submitter, **fields)
    # Account and submitter come in as saved instances: no need to look them up again.
    _save(ticket, actor=submitter, reason="Submitted", exclude=["account", "submitter"])
    # A brand-new ticket has no accounts yet: the link needs no uniqueness check either.
    TicketAccount.objects.create(ticket=ticket, account=account, added_by=submitter, joined=False)
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError({"attachments": f"Attach at most {MAX_FILES} files."})
    for upload in files:
        ticket_attachment_add(ticket=ticket, upload=upload, actor=submitter)
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


@dataclass(frozen=True)
class BatchAnswer:
    """What a batch submission answers: the JSON text as first sent (a replay sends the stored
    text, so it is byte-identical), its status and whether it is a replay."""

    status_code: int
    content: str
    replayed: bool = False

    @property
    def data(self):
        return json.loads(self.content)


def _fingerprint(items) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


def _stored_answer(*, submitter, key: str, fingerprint: str) -> BatchAnswer | None:
    stored = IdempotencyKey.objects.filter(user=submitter, key=key).first()
    if stored is None:
        return None
    if stored.request_hash != fingerprint:
        return BatchAnswer(
            status_code=422,
            content=json.dumps(
                {"detail": "This Idempotency-Key was used with a different request body."}
            ),
        )
    return BatchAnswer(status_code=stored.status_code, content=stored.response, replayed=True)


def batch_size_problem(count: int, *, many: bool) -> str:
    """Why a batch of ``count`` items is refused, or ``""`` (the API checks this first)."""
    if many and not count:
        return "The list is empty: send at least one feedback item."
    if count > BATCH_LIMIT:
        return f"A batch holds at most {BATCH_LIMIT} feedback items; this one has {count}."
    return ""


def _ticket_ids(tickets: list[FeedbackTicket]) -> list[int]:
    return [t.pk for t in tickets]


@transaction.atomic
def feedback_submit_batch(
    *,
    submitter,
    items: Mapping | Sequence[Mapping],
    idempotency_key: str | None = None,
    clean: Callable[[object], list[dict]] | None = None,
    render: Callable[[list[FeedbackTicket]], list] = _ticket_ids,
) -> BatchAnswer:
    """File one item (a mapping) or a list of up to ``BATCH_LIMIT``, all or nothing.

    Each item holds ``account`` and :data:`SUBMIT_FIELDS`. ``clean`` (the API's input
    serializer) turns the items as received into those fields, raising to refuse the batch;
    without it the items are taken as they are. Any refused item writes nothing at all.

    With an ``idempotency_key`` the first answer is stored with a fingerprint of ``items``: a
    retry gets that answer back (``replayed``, before any validation, so a retry is answered as
    the first time); the same key with other items answers 422. Of concurrent requests with one
    key, one writes and the others get its answer. ``render`` shapes the created tickets for the
    answer (a list; one item answers its first element)."""
    key = (idempotency_key or "").strip()[:255]
    fingerprint = _fingerprint(items)
    if key and (answer := _stored_answer(submitter=submitter, key=key, fingerprint=fingerprint)):
        return answer
    many = not isinstance(items, Mapping)
    if clean is not None:
        fields_list = clean(items)
    else:
        fields_list = [dict(item) for item in (items if many else [items])]
    if problem := batch_size_problem(len(fields_list), many=many):
        raise ValidationError(problem, code="batch_size")
    try:
        # A savepoint: a lost race on the key rolls back this request's tickets only.
        with transaction.atomic():
            tickets = [
                _batch_item_submit(submitter=submitter, index=index if many else None, **fields)
                for index, fields in enumerate(fields_list)
            ]
            body = render(tickets)
            content = json.dumps(body if many else body[0], cls=DjangoJSONEncoder)
            if key:
                IdempotencyKey.objects.create(
                    key=key,
                    user=submitter,
                    request_hash=fingerprint,
                    status_code=201,
                    response=content,
                )
    except IntegrityError:
        # A concurrent request with the same key won: answer with its response.
        answer = (
            _stored_answer(submitter=submitter, key=key, fingerprint=fingerprint) if key else None
        )
        if answer is None:
            raise
        return answer
    return BatchAnswer(status_code=201, content=content)


def _batch_item_submit(*, submitter, index: int | None, account: Account, **fields):
    try:
        return feedback_submit(account=account, submitter=submitter, **fields)
    except ValidationError as exc:
        if index is None or not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                name: [f"item {index}: {message}" for message in ValidationError(errs).messages]
                for name, errs in exc.error_dict.items()
            }
        ) from exc


@transaction.atomic
def ticket_attachment_add(*, ticket: FeedbackTicket, upload, actor) -> TicketAttachment:
    """Store one evidence file through Django's storage API, after checking its content: the
    only writer of evidence files (the submit form's uploads come through here)."""
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
    attachment.file.save(stored_name(content_type), upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def ticket_join(
    *, ticket: FeedbackTicket, account: Account, actor, note: str = ""
) -> TicketAccount:
    """ "Add my account to this one": the account's voice counts on the existing ticket (an
    account the actor manages: ``portal.onbehalf``)."""
    require_acting_for(actor, account)
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
    *, ticket: FeedbackTicket, status: str, actor, reason: str = "", batch: uuid.UUID | None = None
) -> FeedbackTicket:
    """Move a ticket along the workflow; anything else is refused. Declining needs a reason and
    leaves a :class:`TriageAction` (``batch``: the user action it belongs to) for its undo."""
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
    previous, previous_reason = ticket.status, ticket.declined_reason
    ticket.status = status
    if status == TicketStatus.DECLINED:
        ticket.declined_reason = reason.strip()
        if not ticket.declined_reason:
            raise ValidationError({"declined_reason": "Say why the ticket is declined."})
        ticket.last_action = TriageAction.objects.create(
            kind=TriageAction.Kind.DECLINE,
            batch=batch or uuid.uuid4(),
            ticket=ticket,
            previous_status=previous,
            previous_declined_reason=previous_reason,
            actor=actor,
        )
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
    else:
        _record_status_change(ticket, previous=previous, actor=actor)
    return ticket


def _record_status_change(ticket: FeedbackTicket, *, previous: str, actor, kept=None) -> None:
    """A ``feedback_status_changed`` event: the people behind the ticket see it in their inbox
    (``feedback.inbox``). Shipping has its own topic, ``feedback_shipped``."""
    outbox_record(
        topic="feedback_status_changed",
        payload={
            "ticket_id": ticket.pk,
            "title": ticket.title,
            "previous": previous,
            "status": ticket.status,
            "declined_reason": ticket.declined_reason,
            "kept_id": kept.pk if kept is not None else None,
            "actor_id": getattr(actor, "pk", None),
        },
    )


@transaction.atomic
def ticket_triage(
    *,
    ticket: FeedbackTicket,
    actor,
    status: str | None = None,
    declined_reason: str = "",
    roadmap_item=_UNCHANGED,
    batch: uuid.UUID | None = None,
    **fields,
) -> FeedbackTicket:
    """A PM's triage: product area, category, impact, a status move (through the workflow) and,
    if given, the roadmap item (``None`` unlinks). The triage form and the API both call this."""
    unknown = set(fields) - set(TRIAGE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    if "product_area" in fields:
        fields["product_area"] = (fields["product_area"] or "").strip()
    if roadmap_item is not _UNCHANGED:
        ticket_link_item(ticket=ticket, item=roadmap_item, actor=actor)
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
            ticket=ticket, status=status, actor=actor, reason=declined_reason, batch=batch
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


def attachments_move(attachments: list, *, to: FeedbackTicket, actor, reason: str) -> None:
    """Move evidence onto another ticket (a merge and its undo), with a history row each."""
    if not attachments:
        return
    for attachment in attachments:
        attachment.ticket = to
    bulk_update_with_history(
        attachments,
        TicketAttachment,
        ["ticket"],
        default_user=actor,
        default_change_reason=reason[:100],
    )


@transaction.atomic
def ticket_mark_duplicate(
    *, ticket: FeedbackTicket, kept: FeedbackTicket, actor, batch: uuid.UUID | None = None
) -> FeedbackTicket:
    """Close ``ticket`` as a duplicate of ``kept``: its accounts, evidence, roadmap item and beta
    program move onto the kept ticket (accounts already there stay as they are). What moved is
    recorded in a :class:`TriageAction` (the returned ticket's ``last_action``) for the undo."""
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
    moved, moved_links = [], []
    for link in TicketAccount.objects.filter(ticket=ticket).select_related("account"):
        if link.account_id in on_kept:
            continue
        link.ticket = kept
        link.joined = True  # the duplicate's own account, now one more voice on the kept ticket
        link.note = (link.note + f"\n{_MOVED_NOTE.format(ticket.pk)}").strip()
        link.save(update_fields=["ticket", "joined", "note"])
        moved.append(link.account.name)
        moved_links.append(link.pk)
    attachments = list(TicketAttachment.objects.filter(ticket=ticket))
    moved_attachments = [a.pk for a in attachments]
    attachments_move(attachments, to=kept, actor=actor, reason=f"Merged into #{kept.pk}")
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
    previous = ticket.status
    ticket.status = TicketStatus.DUPLICATE
    ticket.duplicate_of = kept
    ticket.account_count = TicketAccount.objects.filter(ticket=ticket).count()
    _save(
        ticket,
        actor=actor,
        reason=f"Duplicate of #{kept.pk}",
        fields=["status", "duplicate_of", "account_count"],
    )
    ticket.last_action = TriageAction.objects.create(
        kind=TriageAction.Kind.MERGE,
        batch=batch or uuid.uuid4(),
        ticket=ticket,
        kept=kept,
        previous_status=previous,
        moved_links=moved_links,
        moved_attachments=moved_attachments,
        kept_fields=kept_fields,
        actor=actor,
    )
    _record_status_change(ticket, previous=previous, actor=actor, kept=kept)
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
