"""Reads for the sync page: connections with their last run, recent runs, deliveries — each a
fixed number of queries however many rows there are."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from integrations.models import (
    Connection,
    Delivery,
    DeliveryStatus,
    HeldEvent,
    RecordReport,
    RecordReportOutcome,
    SyncRun,
)

RECENT_DELIVERIES = 25
DEAD_LETTERS_SHOWN = 50
RECENT_REPORTS = 25
HELD_SHOWN = 25


def _count_per_connection(model, **filters):
    counted = (
        model.objects.filter(connection=OuterRef("pk"), **filters)
        .order_by()
        .values("connection")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _record_counts():
    return {
        "skipped_count": _count_per_connection(RecordReport, outcome=RecordReportOutcome.SKIPPED),
        "reported_count": _count_per_connection(RecordReport, outcome=RecordReportOutcome.REPORTED),
        "held_count": _count_per_connection(HeldEvent),
    }


def connections_with_last_runs() -> list[Connection]:
    last_run = SyncRun.objects.filter(connection=OuterRef("pk")).order_by("-created_at", "-id")
    connections = list(
        Connection.objects.annotate(
            last_run_id=Subquery(last_run.values("pk")[:1]),
            dead_letters=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DEAD)),
            **_record_counts(),
        ).order_by("kind", "name")
    )
    runs = SyncRun.objects.in_bulk([c.last_run_id for c in connections if c.last_run_id])
    for connection in connections:
        connection.last_run = runs.get(connection.last_run_id)
    return connections


def connection_with_last_run(pk: int) -> Connection:
    connection = Connection.objects.annotate(**_record_counts()).get(pk=pk)
    connection.last_run = connection.runs.order_by("-created_at", "-id").first()
    connection.dead_letters = connection.deliveries.dead().count()
    return connection


def runs_for_list():
    """Every run, newest first, for the sync page's filtered and paginated list (and its CSV)."""
    return SyncRun.objects.select_related("connection", "triggered_by").order_by(
        "-created_at", "-id"
    )


def recent_runs(*, connection=None, limit: int = 20):
    runs = SyncRun.objects.select_related("connection", "triggered_by")
    if connection is not None:
        runs = runs.filter(connection=connection)
    return runs.order_by("-created_at", "-id")[:limit]


def deliveries_for_page(*, status: str | None = None):
    deliveries = Delivery.objects.select_related("connection")
    if status:
        deliveries = deliveries.filter(status=status)
    limit = DEAD_LETTERS_SHOWN if status == DeliveryStatus.DEAD else RECENT_DELIVERIES
    return deliveries.order_by("-created_at", "-id")[:limit]


def delivery_counts() -> dict[str, int]:
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in DeliveryStatus.values}


def recent_reports(*, limit: int = RECENT_REPORTS):
    """The newest skipped and reported records of every connection, with their reasons."""
    return RecordReport.objects.select_related("connection").order_by("-created_at", "-id")[:limit]


def held_events_for_page(*, limit: int = HELD_SHOWN):
    """The newest Segment events held for an account the portal does not know yet."""
    return HeldEvent.objects.select_related("connection").order_by("-received_at", "-id")[:limit]
