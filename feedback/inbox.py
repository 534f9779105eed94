"""Who an event about feedback concerns (the inbox, ``portal.inbox``): the people behind a ticket
(its submitter and every rep who added an account) and the CSMs of its accounts. Topics: new
feedback for my account, status changes and merges, shipped tickets and shipped items."""

from django.urls import reverse

from portal.models import OutboxEvent

from .choices import NO_DEMAND_STATUSES, TicketStatus
from .models import FeedbackTicket, TicketAccount


def _people(ticket_ids) -> dict[int, list[int]]:
    """ticket id → user ids behind it (submitter, reps who joined, CSMs of its accounts)."""
    people: dict[int, set[int]] = {}
    links = TicketAccount.objects.filter(ticket_id__in=ticket_ids).values_list(
        "ticket_id", "ticket__submitter_id", "added_by_id", "account__csm_owner_id"
    )
    for ticket_id, submitter, added_by, csm in links:
        people.setdefault(ticket_id, set()).update(u for u in (submitter, added_by, csm) if u)
    return {k: sorted(v) for k, v in people.items()}


def feedback_submitted_audience(event: OutboxEvent):
    """The account's CSM, when someone else filed feedback for it."""
    ticket = (
        FeedbackTicket.objects.filter(pk=event.payload.get("ticket_id"))
        .values("pk", "title", "submitter_id", "account__name", "account__csm_owner_id")
        .first()
    )
    if not ticket or not ticket["account__csm_owner_id"]:
        return []
    if ticket["account__csm_owner_id"] == ticket["submitter_id"]:
        return []
    url = reverse("feedback:detail", args=[ticket["pk"]])
    text = f"New feedback for your account {ticket['account__name']}: {ticket['title']}"
    return [(ticket["account__csm_owner_id"], text, url)]


def feedback_shipped_audience(event: OutboxEvent):
    """Tickets shipped by hand: everyone behind them."""
    ids = list(event.payload.get("ticket_ids") or [])
    titles = dict(FeedbackTicket.objects.filter(pk__in=ids).values_list("pk", "title"))
    rows = []
    for ticket_id, users in _people(ids).items():
        url = reverse("feedback:detail", args=[ticket_id])
        rows += [(u, f"Shipped: your feedback “{titles.get(ticket_id, '')}”", url) for u in users]
    return rows


def item_shipped_audience(event: OutboxEvent):
    """A roadmap item shipped: everyone behind the feedback linked to it."""
    item_id = event.payload.get("item_id")
    ids = list(
        FeedbackTicket.objects.filter(roadmap_item_id=item_id)
        .exclude(status__in=NO_DEMAND_STATUSES)
        .values_list("pk", flat=True)
    )
    url = reverse("roadmap:item-detail", args=[item_id]) if item_id else ""
    title = event.payload.get("title", "")
    users = sorted({u for people in _people(ids).values() for u in people})
    return [(u, f"Shipped: {title} — your customers asked for it", url) for u in users]


def _label(status: str | None) -> str:
    return TicketStatus(status).label.lower() if status in TicketStatus.values else str(status)


def feedback_status_changed_audience(event: OutboxEvent):
    """A ticket moved along the workflow or was merged into another: everyone behind it (for a
    merge, behind both tickets, since the accounts moved onto the kept one), except the person
    who made the change."""
    p = event.payload
    ticket_id, kept_id = p.get("ticket_id"), p.get("kept_id")
    ids = [i for i in (ticket_id, kept_id) if i]
    people = _people(ids)
    users = {u for i in ids for u in people.get(i, [])}
    users.update(FeedbackTicket.objects.filter(pk__in=ids).values_list("submitter_id", flat=True))
    users -= {None, p.get("actor_id")}
    title = p.get("title", "")
    if kept_id:
        text = f"Your feedback #{ticket_id} “{title}” was merged into #{kept_id}"
        url = reverse("feedback:detail", args=[kept_id])
    else:
        text = f"Your feedback #{ticket_id} “{title}”: {_label(p.get('previous'))} → "
        text += _label(p.get("status"))
        if p.get("declined_reason"):
            text += f" ({p['declined_reason']})"
        url = reverse("feedback:detail", args=[ticket_id]) if ticket_id else ""
    return [(u, text, url) for u in sorted(users)]
