"""Feedback figures shared by the PM's home panel and the KPI page: when tickets were triaged.

A ticket is triaged when it first leaves ``new`` (triaged, declined, merged as a duplicate, …);
the moment comes from the ticket's history, so no field of the ticket has to be kept for it.
"""

import datetime as dt
import statistics

from django.db.models import Min

from .choices import TicketStatus
from .models import FeedbackTicket


def triage_times(*, since: dt.datetime, until: dt.datetime) -> list[tuple[dt.datetime, float]]:
    """One query: (triaged at, hours from filing to triage) of each ticket triaged in
    [since, until)."""
    rows = (
        FeedbackTicket.history.exclude(status=TicketStatus.NEW)
        .order_by()
        .values("id")
        .annotate(triaged_at=Min("history_date"), filed_at=Min("created_at"))
        .filter(triaged_at__gte=since, triaged_at__lt=until)
        .values_list("triaged_at", "filed_at")
    )
    return [
        (triaged, max(0.0, (triaged - filed).total_seconds() / 3600)) for triaged, filed in rows
    ]


def median_hours(rows: list[tuple[dt.datetime, float]]) -> float | None:
    return statistics.median(h for _, h in rows) if rows else None


def hours_label(hours: float | None) -> str:
    if hours is None:
        return "no tickets triaged"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"
