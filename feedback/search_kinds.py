"""Feedback tickets in the header search (``portal.search``): title and description."""

from portal.search import Hit, SearchKind, text_matches

from .models import FeedbackTicket
from .permissions import VIEW


def find_tickets(user, text: str, limit: int) -> list[Hit]:
    rows = text_matches(
        FeedbackTicket.objects.select_related("account"),
        text,
        title="title",
        fields=("description",),
    )[:limit]
    return [
        Hit(
            title=f"#{t.pk} {t.title}",
            url=t.get_absolute_url(),
            meta=f"{t.account.name} · {t.get_impact_display()} impact · {t.created_at:%Y-%m-%d}",
            badge=t.get_status_display(),
        )
        for t in rows
    ]


TICKETS = SearchKind(
    key="tickets", label="Feedback tickets", perm=VIEW, order=20, find=find_tickets
)
