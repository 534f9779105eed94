"""Points of an import run (matched by code; missing ones archived) and their framework links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simple_history.utils import bulk_create_with_history

from integrations.models import AcceptanceCriterion, FrameworkLink, IntegrationPoint, Phase

from ..parser import ParsedPoint
from .criteria import apply_criteria, new_criteria
from .structure import Structure

if TYPE_CHECKING:
    from .run import ImportRun

FIELD_LABELS = {
    "flow_from": "flow",
    "flow_to": "flow",
    "protocol": "coordination protocol",
    "extra_fields": "other fields",
    "owner_team": "owner team",
}


def apply_points(run: ImportRun, phases: dict[int, Phase]) -> None:
    existing = {
        p.code: p
        for p in run.map.points.prefetch_related("criteria", "links").select_related(
            "section", "group", "phase"
        )
    }
    structure = Structure(run)
    new_criteria_rows: list[AcceptanceCriterion] = []
    new_links: list[FrameworkLink] = []
    for position, parsed in enumerate(run.parsed.points):
        section = structure.section_for(parsed.section)
        group = structure.group_for(section, parsed.group)
        phase = phases.get(parsed.phase) if parsed.phase else None
        point = existing.pop(parsed.code, None)
        values = {
            "title": parsed.title,
            "section": section,
            "group": group,
            "phase": phase,
            "flow_from": parsed.flow_from,
            "flow_to": parsed.flow_to,
            "protocol": parsed.protocol,
            "extra_fields": parsed.extra_fields,
            "position": position,
            "archived": False,
        }
        if parsed.owner_team:  # an owner set in the portal survives documents that name none
            values["owner_team"] = parsed.owner_team
        if point is None:
            point = IntegrationPoint(map=run.map, code=parsed.code, **values)
            _save_point(run, point, f"Imported from {run.source_name}")
            run.report.points_added.append(parsed.code)
            # A new point's criteria and links are written in bulk below, history included.
            new_criteria_rows.extend(new_criteria(run, point, parsed))
            new_links.extend(_link_rows(point, parsed))
            continue
        changes = [
            FIELD_LABELS.get(k, k)
            for k, v in values.items()
            if k != "position" and getattr(point, k) != v
        ]
        if point.archived:
            run.report.points_restored.append(parsed.code)
        if changes or point.position != position:
            for k, v in values.items():
                setattr(point, k, v)
            _save_point(run, point, f"Re-imported from {run.source_name}: {', '.join(changes)}")
        if _replace_links(run, point, parsed):
            changes.append("framework links")
        changes.extend(apply_criteria(run, point, parsed))
        changes = list(dict.fromkeys(c for c in changes if c != "archived"))
        if changes:
            run.report.points_changed.append(
                {"code": parsed.code, "title": parsed.title, "changes": changes}
            )
    if new_criteria_rows:
        bulk_create_with_history(
            new_criteria_rows,
            AcceptanceCriterion,
            batch_size=500,
            default_user=run.actor,
            default_change_reason=f"Imported from {run.source_name}"[:100],
            default_date=run.now,
        )
    if new_links:
        bulk_create_with_history(
            new_links,
            FrameworkLink,
            batch_size=500,
            default_user=run.actor,
            default_change_reason=f"Imported from {run.source_name}"[:100],
            default_date=run.now,
        )
    for point in existing.values():
        if not point.archived:
            point.archived = True
            _save_point(run, point, f"Archived: no longer in {run.source_name}")
            run.report.points_removed.append(point.code)
    structure.prune()


def _save_point(run: ImportRun, point: IntegrationPoint, reason: str) -> None:
    point._history_user = run.actor
    point._change_reason = reason[:100]
    # Field checks only: the related rows were just read or written here, and the parser
    # already guarantees unique codes (re-checking would cost four queries per point).
    point.clean_fields(exclude=["map", "section", "group", "phase"])
    point.save()


def _link_rows(point: IntegrationPoint, parsed: ParsedPoint) -> list[FrameworkLink]:
    return [
        FrameworkLink(point=point, position=i, name=name, target=target)
        for i, (name, target) in enumerate(parsed.links)
    ]


def _replace_links(run: ImportRun, point: IntegrationPoint, parsed: ParsedPoint) -> bool:
    links = list(point.links.all())
    current = [(link.name, link.target) for link in links]
    if current == list(parsed.links):
        return False
    reason = f"Re-imported from {run.source_name}"
    for link in links:  # one by one: each deletion's history names who imported
        run.delete(link, reason)
    rows = _link_rows(point, parsed)
    if rows:
        bulk_create_with_history(
            rows,
            FrameworkLink,
            default_user=run.actor,
            default_change_reason=reason[:100],
            default_date=run.now,
        )
    return bool(current) or bool(parsed.links)
