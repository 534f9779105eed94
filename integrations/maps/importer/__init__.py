"""Import a parsed integration-map document into the database, in place, keeping progress.

Points are matched by code, criteria by their text (then by position, for reworded ones),
phases by number and KPI targets by name. Points the document no longer has are archived, never
deleted, so their ticks stay. A dry run performs the same work inside a transaction that is rolled
back, so its report is exactly what applying would do.

Modules: ``run`` (the map row, locking, order of the steps), ``structure`` (sections and groups),
``points`` (points and their links), ``criteria`` (matching old and new criteria, then writing
them), ``timeline`` (phases and KPI targets), ``report`` (what changed).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from integrations.models import IntegrationMap

from ..parser import parse_map
from .report import ImportReport
from .run import ImportRun

__all__ = ["ImportReport", "map_import"]


class _DryRunRollback(Exception):
    pass


def map_import(
    *,
    data: bytes | str,
    source_name: str,
    actor=None,
    target: IntegrationMap | None = None,
    cycle_start: datetime.date | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Parse ``data`` and write it into ``target`` (or the map with the same title, or a new one).

    Raises ``MapParseError`` (nothing written) when the document cannot be read.
    """
    parsed = parse_map(data)
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    report = ImportReport(map_title=parsed.title, dry_run=dry_run, warnings=list(parsed.warnings))
    report.totals = {
        "points": len(parsed.points),
        "criteria": parsed.criteria_count,
        "phases": len(parsed.phases),
        "kpis": len(parsed.kpis),
    }
    try:
        with transaction.atomic():
            ImportRun(parsed, report, actor=actor, source_name=source_name).run(
                target=target, text=text, cycle_start=cycle_start
            )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        if report.created:
            report.map_id = None
    return report
