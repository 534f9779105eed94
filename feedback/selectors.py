"""Reads shaped for the feedback pages, the API and the priority engine."""

from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When

from .choices import IMPACT_ORDER, NO_DEMAND_STATUSES, TicketStatus
from .models import FeedbackTicket, TicketAccount


def demand_signals() -> QuerySet:
    """The feedback demand source: one row per account on a linked, live ticket."""
    return (
        TicketAccount.objects.filter(ticket__roadmap_item__isnull=False)
        .exclude(ticket__status__in=NO_DEMAND_STATUSES)
        .annotate(
            item_id=F("ticket__roadmap_item_id"),
            level=F("ticket__impact"),
            actor_id=F("added_by_id"),
        )
        # No ordering: the priority engine may combine sources (UNION) or aggregate them.
        .order_by()
    )


def product_areas(limit: int = 200) -> list[str]:
    """Product areas in use (tickets and roadmap items), for the forms' suggestions."""
    from roadmap.models import RoadmapItem

    areas = (
        FeedbackTicket.objects.exclude(product_area="")
        .order_by()
        .values_list("product_area", flat=True)
        .union(
            RoadmapItem.objects.exclude(product_area="")
            .order_by()
            .values_list("product_area", flat=True)
        )
    )
    return sorted(set(areas), key=str.lower)[:limit]


def impact_rank():
    return Case(
        *[When(impact=value, then=Value(rank)) for value, rank in IMPACT_ORDER.items()],
        output_field=IntegerField(),
    )


def _accounts_prefetch() -> Prefetch:
    return Prefetch(
        "ticket_accounts",
        queryset=TicketAccount.objects.select_related("account", "added_by").order_by(
            "created_at", "id"
        ),
    )


def tickets_for_triage() -> QuerySet:
    return (
        FeedbackTicket.objects.for_lists()
        .annotate(impact_rank=impact_rank())
        .prefetch_related(_accounts_prefetch())
    )


def tickets_mine(user) -> QuerySet:
    """What the user submitted or joined, newest change first."""
    return (
        FeedbackTicket.objects.involving(user)
        .for_lists()
        .prefetch_related(_accounts_prefetch())
        .order_by("-updated_at", "-id")
    )


def tickets_for_item(item_id: int) -> QuerySet:
    return (
        FeedbackTicket.objects.filter(roadmap_item_id=item_id)
        .exclude(status=TicketStatus.DUPLICATE)
        .for_lists()
        .annotate(impact_rank=impact_rank())
        .prefetch_related(_accounts_prefetch())
        .order_by("impact_rank", "-created_at")
    )


def tickets_in_order(ids: list[int]) -> list[FeedbackTicket]:
    """These tickets, in this order, as the API shows them (item and accounts prefetched)."""
    by_id = {
        t.pk: t
        for t in FeedbackTicket.objects.filter(pk__in=ids)
        .select_related("roadmap_item")
        .prefetch_related("ticket_accounts")
    }
    return [by_id[pk] for pk in ids]


def ticket_for_status(pk: int) -> FeedbackTicket | None:
    """The ticket for the status endpoint, its accounts counted live (``account_count``)."""
    ticket = FeedbackTicket.objects.select_related("roadmap_item").filter(pk=pk).first()
    if ticket is not None:
        ticket.account_count = ticket.ticket_accounts.count()
    return ticket


def ticket_for_page(pk: int) -> FeedbackTicket:
    return (
        FeedbackTicket.objects.select_related(
            "account", "submitter", "roadmap_item", "beta_program", "duplicate_of"
        )
        .prefetch_related(_accounts_prefetch(), "attachments", "duplicates")
        .get(pk=pk)
    )


@dataclass
class HistoryEntry:
    when: object
    who: object
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


_SHOWN = {
    "title": "title",
    "description": "description",
    "category": "category",
    "impact": "impact",
    "source": "source channel",
    "product_area": "product area",
    "customer_quote": "customer quote",
    "status": "status",
    "declined_reason": "declined reason",
    "duplicate_of": "duplicate of",
    "roadmap_item": "roadmap item",
    "beta_program": "beta program",
}


def _shown(ticket_field, value, item_titles: dict) -> str:
    if value in (None, ""):
        return "—"
    if ticket_field.choices:
        return str(dict(ticket_field.flatchoices).get(value, value))
    if ticket_field.name == "roadmap_item":
        return f"#{value} {item_titles.get(value, '')}".strip()
    if ticket_field.is_relation:
        return f"#{value}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def ticket_history(ticket: FeedbackTicket) -> list[HistoryEntry]:
    """Who changed what and when, newest first (two queries: records, item titles)."""
    from roadmap.models import RoadmapItem

    records = list(ticket.history.select_related("history_user").order_by("history_date", "pk"))
    item_ids = {r.roadmap_item_id for r in records if r.roadmap_item_id}
    item_titles = dict(RoadmapItem.objects.filter(pk__in=item_ids).values_list("pk", "title"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=list(_SHOWN))
            for change in delta.changes:
                model_field = FeedbackTicket._meta.get_field(change.field)
                changes.append(
                    (
                        _SHOWN[change.field],
                        _shown(model_field, change.old, item_titles),
                        _shown(model_field, change.new, item_titles),
                    )
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))
