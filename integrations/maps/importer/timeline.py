"""Phases (matched by number) and KPI targets (matched by name) of an import run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.models import KpiTarget, Phase

if TYPE_CHECKING:
    from .run import ImportRun


def apply_phases(run: ImportRun) -> dict[int, Phase]:
    existing = {p.number: p for p in run.map.phases.all()}
    result = {}
    for parsed in run.parsed.phases:
        phase = existing.pop(parsed.number, None)
        values = {
            "name": parsed.name,
            "week_start": parsed.week_start,
            "week_end": parsed.week_end,
        }
        label = f"Phase {parsed.number}: {parsed.name}"
        if phase is None:
            phase = Phase(map=run.map, number=parsed.number, **values)
            run.save(phase, f"Imported from {run.source_name}")
            run.report.phases_added.append(label)
        elif any(getattr(phase, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(phase, k, v)
            run.save(phase, f"Re-imported from {run.source_name}")
            run.report.phases_changed.append(label)
        result[parsed.number] = phase
    for phase in existing.values():
        run.report.phases_removed.append(str(phase))
        run.delete(phase, f"Removed: no longer in {run.source_name}")
    return result


def apply_kpis(run: ImportRun) -> None:
    existing = {k.name: k for k in run.map.kpis.all()}
    for position, parsed in enumerate(run.parsed.kpis):
        kpi = existing.pop(parsed.name, None)
        values = {
            "heading": parsed.heading[:300],
            "target": parsed.target,
            "target_value": parsed.target_value,
            "unit": parsed.unit,
        }
        if kpi is None:
            kpi = KpiTarget(map=run.map, name=parsed.name, position=position, **values)
            run.save(kpi, f"Imported from {run.source_name}")
            run.report.kpis_added.append(parsed.name)
            continue
        changed = any(getattr(kpi, k) != v for k, v in values.items())
        if changed:
            run.report.kpis_changed.append(parsed.name)
        if changed or kpi.position != position:  # an unchanged target is not written again
            for k, v in values.items():
                setattr(kpi, k, v)
            kpi.position = position
            run.save(kpi, f"Re-imported from {run.source_name}")
    for kpi in existing.values():
        run.report.kpis_removed.append(kpi.name)
        run.delete(kpi, f"Removed: no longer in {run.source_name}")
