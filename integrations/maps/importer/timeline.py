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
            phase = Phase.objects.create(map=run.map, number=parsed.number, **values)
            run.report.phases_added.append(label)
        elif any(getattr(phase, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(phase, k, v)
            phase.save()
            run.report.phases_changed.append(label)
        result[parsed.number] = phase
    for phase in existing.values():
        run.report.phases_removed.append(str(phase))
        phase.delete()
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
            KpiTarget.objects.create(map=run.map, name=parsed.name, position=position, **values)
            run.report.kpis_added.append(parsed.name)
            continue
        if any(getattr(kpi, k) != v for k, v in values.items()):
            run.report.kpis_changed.append(parsed.name)
        for k, v in values.items():
            setattr(kpi, k, v)
        kpi.position = position
        kpi.save()
    for kpi in existing.values():
        run.report.kpis_removed.append(kpi.name)
        kpi.delete()
