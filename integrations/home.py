"""The integrations' home panels for portal admins (slot ``home``), each a fixed query count:
checklist progress by map and phase with overdue criteria, sync health, KPI targets without a
measured value."""

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from .models import (
    Connection,
    Delivery,
    DeliveryStatus,
    KpiTarget,
    Phase,
    RunStatus,
    SyncRun,
)

STALE_AFTER_INTERVALS = 3
MISSING_SHOWN = 8


def phase_progress() -> list[Phase]:
    """One query: every phase with its criteria counted (total, done, verified) and, once its due
    date has passed, how many are overdue (not done)."""
    live = Q(points__archived=False)
    phases = list(
        Phase.objects.select_related("map")
        .annotate(
            total=Count("points__criteria", filter=live),
            done=Count(
                "points__criteria", filter=live & Q(points__criteria__done_at__isnull=False)
            ),
            verified=Count(
                "points__criteria", filter=live & Q(points__criteria__verified_at__isnull=False)
            ),
        )
        .order_by("map__title", "map_id", "number")
    )
    today = timezone.localdate()
    for phase in phases:
        phase.due = phase.due_on(phase.map.cycle_start)
        phase.overdue = phase.total - phase.done if phase.due and phase.due < today else 0
        phase.done_percent = round(100 * phase.done / phase.total) if phase.total else None
        phase.verified_percent = round(100 * phase.verified / phase.total) if phase.total else None
    return phases


def checklist_panel(request, user) -> dict:
    phases = phase_progress()
    return {"phases": phases, "overdue": sum(p.overdue for p in phases)}


def _count(queryset) -> Subquery:
    return Subquery(
        queryset.order_by().values("connection").annotate(n=Count("id")).values("n"),
        output_field=IntegerField(),
    )


def sync_health(now: dt.datetime | None = None) -> list[Connection]:
    """One query: each connection with its last run's status, its last success and its dead
    letters; a pulling connection with no success for three intervals is called stale."""
    now = now or timezone.now()
    runs = SyncRun.objects.filter(connection=OuterRef("pk")).order_by("-created_at", "-id")
    success = runs.filter(status=RunStatus.SUCCEEDED).order_by("-finished_at", "-id")
    connections = list(
        Connection.objects.annotate(
            last_status=Subquery(runs.values("status")[:1]),
            last_error=Subquery(runs.values("error")[:1]),
            last_success=Subquery(success.values("finished_at")[:1]),
            dead=_count(
                Delivery.objects.filter(connection=OuterRef("pk"), status=DeliveryStatus.DEAD)
            ),
        ).order_by("kind", "name")
    )
    for c in connections:
        c.dead = c.dead or 0
        limit = dt.timedelta(minutes=c.interval_minutes * STALE_AFTER_INTERVALS)
        c.stale = (
            c.enabled and c.is_pull and (c.last_success is None or now - c.last_success > limit)
        )
    return connections


def sync_panel(request, user) -> dict:
    connections = sync_health()
    return {
        "connections": connections,
        "stale": sum(1 for c in connections if c.stale),
        "dead": sum(c.dead for c in connections),
    }


def kpis_missing_panel(request, user) -> dict:
    """One query: the integration-map KPI targets nobody has measured yet."""
    missing = list(
        KpiTarget.objects.filter(measured_value__isnull=True)
        .select_related("map")
        .order_by("map__title", "position", "id")[: MISSING_SHOWN + 1]
    )
    return {"missing": missing[:MISSING_SHOWN], "more": len(missing) > MISSING_SHOWN}
