"""One import run: writes the map row, locks its criteria, then phases, points and KPIs."""

from __future__ import annotations

from django.utils import timezone

from integrations.models import AcceptanceCriterion, IntegrationMap

from ..parser import ParsedMap
from . import points, timeline
from .report import ImportReport


class ImportRun:
    """The state every step shares: the parsed document, the report, who imports and when."""

    def __init__(self, parsed: ParsedMap, report: ImportReport, *, actor, source_name: str):
        self.parsed = parsed
        self.report = report
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.source_name = source_name
        self.now = timezone.now()
        self.map: IntegrationMap | None = None

    def save(self, obj, reason: str, **kwargs) -> None:
        """Save a row of the map with its history entry: who imported, and why it changed."""
        obj._history_user = self.actor
        obj._change_reason = reason[:100]
        obj.save(**kwargs)

    def delete(self, obj, reason: str) -> None:
        obj._history_user = self.actor
        obj._change_reason = reason[:100]
        obj.delete()

    def run(self, *, target, text, cycle_start) -> IntegrationMap:
        parsed = self.parsed
        imap = target or IntegrationMap.objects.filter(title__iexact=parsed.title).first()
        if imap is None:
            imap = IntegrationMap(title=parsed.title)
            self.report.created = True
        imap.title = parsed.title
        imap.metadata = parsed.metadata
        imap.properties = parsed.properties
        imap.source_name = self.source_name[:255]
        imap.source_text = text
        imap.imported_at = self.now
        imap.imported_by = self.actor
        if cycle_start is not None:
            imap.cycle_start = cycle_start
        imap.full_clean()
        self.save(imap, f"Imported from {self.source_name}")
        self.report.map_id = imap.pk
        self.map = imap
        if not self.report.created:
            # Ticks lock their criterion row; taking the map's rows first means a tick either
            # committed before this import reads them or waits for it: none is overwritten.
            list(
                AcceptanceCriterion.objects.select_for_update()
                .filter(point__map=imap)
                .values_list("pk", flat=True)
            )
        phases = timeline.apply_phases(self)
        points.apply_points(self, phases)
        timeline.apply_kpis(self)
        return imap
