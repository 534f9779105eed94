"""Reads for the map pages: annotated querysets (progress and derived status) and the board tree.

A point's status is computed in the query from its criteria counts and its phase's last week, so
the board can filter on it and every page costs the same few queries whatever the map's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from integrations.models import (
    AcceptanceCriterion,
    IntegrationMap,
    IntegrationPoint,
    Phase,
    PointStatus,
)


def weeks_elapsed(imap: IntegrationMap, today: datetime.date) -> int | None:
    """Whole weeks since the cycle start: a phase ending in week N is overdue once this is ≥ N."""
    if imap.cycle_start is None:
        return None
    return (today - imap.cycle_start).days // 7


def points_with_progress(imap: IntegrationMap, *, today: datetime.date | None = None):
    """The map's points with ``criteria_total/done/verified``, ``is_overdue`` and ``status``."""
    today = today or timezone.localdate()
    elapsed = weeks_elapsed(imap, today)
    complete = Q(criteria_total__gt=0, criteria_done=F("criteria_total"))
    # A phase ending in week N is due on day 7N - 1 after the start: overdue once N ≤ elapsed.
    overdue = Q(pk__in=[]) if elapsed is None else Q(phase__week_end__lte=elapsed) & ~complete
    return (
        IntegrationPoint.objects.filter(map=imap)
        # Not "map": it carries the whole source document, once per point row.
        .select_related("section", "group", "phase")
        .annotate(
            criteria_total=Count("criteria"),
            criteria_done=Count("criteria", filter=Q(criteria__done_at__isnull=False)),
            criteria_verified=Count("criteria", filter=Q(criteria__verified_at__isnull=False)),
        )
        .annotate(
            is_overdue=Case(When(overdue, then=Value(True)), default=Value(False)),
            status=Case(
                When(
                    Q(criteria_total__gt=0, criteria_verified=F("criteria_total")),
                    then=Value(PointStatus.VERIFIED),
                ),
                When(complete, then=Value(PointStatus.DONE)),
                When(overdue, then=Value(PointStatus.OVERDUE)),
                When(criteria_done__gt=0, then=Value(PointStatus.IN_PROGRESS)),
                default=Value(PointStatus.NOT_STARTED),
                output_field=CharField(),
            ),
        )
        .order_by("position", "id")
    )


def _count(model_filter: Q, *, criteria: bool):
    """A correlated subquery counting a map's live points or criteria (no join fan-out)."""
    if criteria:
        qs = AcceptanceCriterion.objects.filter(
            point__map=OuterRef("pk"), point__archived=False
        ).filter(model_filter)
        key = "point__map"
    else:
        qs = IntegrationPoint.objects.filter(map=OuterRef("pk"), archived=False).filter(
            model_filter
        )
        key = "map"
    return Coalesce(
        Subquery(qs.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def maps_for_list():
    return (
        IntegrationMap.objects.select_related("imported_by")
        .defer("source_text")
        .annotate(
            points_total=_count(Q(), criteria=False),
            criteria_total=_count(Q(), criteria=True),
            criteria_done=_count(Q(done_at__isnull=False), criteria=True),
            criteria_verified=_count(Q(verified_at__isnull=False), criteria=True),
            phases_total=Coalesce(
                Subquery(
                    Phase.objects.filter(map=OuterRef("pk"))
                    .order_by()
                    .values("map")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("title", "id")
    )


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    verified: int = 0

    def add(self, point) -> None:
        self.total += point.criteria_total
        self.done += point.criteria_done
        self.verified += point.criteria_verified

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def verified_percent(self) -> int:
        return round(100 * self.verified / self.total) if self.total else 0


def progress_of(point) -> Progress:
    return Progress(point.criteria_total, point.criteria_done, point.criteria_verified)


@dataclass
class BoardSection:
    section: object
    points: list = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)


@dataclass
class BoardPhase:
    phase: object  # None: points in no phase
    starts_on: datetime.date | None = None
    due_on: datetime.date | None = None
    overdue: bool = False
    sections: list[BoardSection] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)
    points_count: int = 0

    @property
    def anchor(self) -> str:
        """The phase's id on the board (``#phase-2``; ``#phase-none`` for points in no phase)."""
        return self.phase.anchor if self.phase is not None else "phase-none"

    @property
    def unfinished(self) -> bool:
        """Some criterion is not verified yet: the board shows the phase open."""
        return self.progress.verified < self.progress.total

    @property
    def late(self) -> bool:
        """Past its due date with criteria not done."""
        return self.overdue and self.progress.done < self.progress.total


def board(imap: IntegrationMap, points, *, today: datetime.date | None = None):
    """Group annotated points by phase, then section, with progress at every level."""
    today = today or timezone.localdate()
    phases: dict = {}
    total = Progress()
    section_entries: dict = {}
    for phase in imap.phases.all():
        due = phase.due_on(imap.cycle_start)
        phases[phase.pk] = BoardPhase(
            phase,
            starts_on=phase.starts_on(imap.cycle_start),
            due_on=due,
            overdue=bool(due and due < today),
        )
    for point in points:
        point.progress = progress_of(point)
        point.due_on = phases[point.phase_id].due_on if point.phase_id in phases else None
        key = point.phase_id if point.phase_id in phases else None
        bucket = phases.get(key) or phases.setdefault(None, BoardPhase(None))
        entry = section_entries.get((key, point.section_id))
        if entry is None:
            entry = section_entries[(key, point.section_id)] = BoardSection(point.section)
            bucket.sections.append(entry)
        entry.points.append(point)
        entry.progress.add(point)
        bucket.progress.add(point)
        bucket.points_count += 1
        total.add(point)
    ordered = [p for key, p in phases.items() if key is not None]
    if None in phases:
        ordered.append(phases[None])
    return ordered, total


def point_history(point: IntegrationPoint, *, limit: int = 200) -> list:
    """Changes to the point and its criteria (ticks, verifications, un-ticks), newest first."""
    point_rows = point.history.select_related("history_user").order_by("-history_date")[:limit]
    criteria_rows = (
        AcceptanceCriterion.history.filter(point_id=point.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    rows = sorted(chain(point_rows, criteria_rows), key=lambda r: r.history_date, reverse=True)
    return rows[:limit]


def point_for_page(pk: int) -> IntegrationPoint:
    """One point with its progress, status, criteria (with who ticked/verified) and links; 404
    when there is none."""
    point = get_object_or_404(IntegrationPoint.objects.select_related("map"), pk=pk)
    imap = point.map
    point = (
        points_with_progress(imap)
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=AcceptanceCriterion.objects.select_related("done_by", "verified_by"),
            ),
            "links",
        )
        .get(pk=pk)
    )
    point.map = imap
    point.progress = progress_of(point)
    return point
