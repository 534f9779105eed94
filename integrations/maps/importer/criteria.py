"""A point's criteria on re-import: first the plan (which old criterion each new one continues,
so that its tick stays), then writing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from integrations.models import AcceptanceCriterion, IntegrationPoint

from ..parser import ParsedCriterion, ParsedPoint

if TYPE_CHECKING:
    from .run import ImportRun


@dataclass
class CriteriaPlan:
    """``steps``: (new criterion, the old one it continues or ``None``) in document order."""

    steps: list[tuple[ParsedCriterion, AcceptanceCriterion | None]] = field(default_factory=list)
    removed: list[AcceptanceCriterion] = field(default_factory=list)
    added: int = 0
    reworded: int = 0
    reordered: bool = False

    def changes(self) -> list[str]:
        out = []
        if self.added:
            out.append(f"{self.added} criteria added")
        if self.reworded:
            out.append(f"{self.reworded} criteria reworded")
        if self.removed:
            out.append(f"{len(self.removed)} criteria removed")
        if self.reordered:
            out.append("criteria reordered")
        return out


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def plan_criteria(old: list[AcceptanceCriterion], parsed: list[ParsedCriterion]) -> CriteriaPlan:
    """Match by text first; an unmatched new criterion at the place of an unmatched old one is
    the old one reworded (it keeps its ticks). No database access."""
    by_text: dict[str, list[AcceptanceCriterion]] = {}
    for c in old:
        by_text.setdefault(_norm(c.text), []).append(c)
    matched: list[AcceptanceCriterion | None] = []
    for pc in parsed:
        bucket = by_text.get(_norm(pc.text))
        matched.append(bucket.pop(0) if bucket else None)
    used = {c.pk for c in matched if c is not None}
    leftovers = [c for c in old if c.pk not in used]
    plan = CriteriaPlan()
    for position, (pc, crit) in enumerate(zip(parsed, matched, strict=True)):
        if crit is None and leftovers and leftovers[0].position == position:
            crit = leftovers.pop(0)  # same place, new words: keep its ticks
            plan.reworded += 1
        elif crit is None:
            plan.added += 1
        plan.steps.append((pc, crit))
    plan.removed = leftovers
    plan.reordered = bool(
        old
        and not (plan.added or plan.reworded or plan.removed)
        and [c.pk for c in matched] != [c.pk for c in old]
    )
    return plan


def apply_criteria(run: ImportRun, point: IntegrationPoint, parsed: ParsedPoint) -> list[str]:
    """Write the plan for an existing point; returns the point's criteria changes in words."""
    plan = plan_criteria(list(point.criteria.all()), parsed.criteria)
    for position, (pc, crit) in enumerate(plan.steps):
        reason = f"Imported from {run.source_name}"
        if crit is None:
            crit = AcceptanceCriterion(point=point, text=pc.text, position=position)
            dirty = True
        else:
            dirty = crit.text != pc.text or crit.position != position
            crit.text, crit.position = pc.text, position
            if crit.is_done:
                run.report.ticks_kept += 1
        if pc.done and not crit.is_done:
            crit.done_at, crit.done_by = run.now, run.actor
            crit.evidence_note = f"Marked done in the imported document {run.source_name}"
            crit.untick_reason = ""
            reason = f"Ticked by the imported document {run.source_name}"
            run.report.ticks_imported += 1
            dirty = True
        if dirty:
            crit._history_user = run.actor
            crit._change_reason = reason[:100]
            crit.save()
    for crit in plan.removed:
        crit._history_user = run.actor
        crit._change_reason = f"Removed: no longer in {run.source_name}"[:100]
        crit.delete()
    run.report.criteria_added += plan.added
    run.report.criteria_changed += plan.reworded
    run.report.criteria_removed += len(plan.removed)
    return plan.changes()


def new_criteria(run: ImportRun, point: IntegrationPoint, parsed: ParsedPoint):
    """The criteria of a new point, unsaved (written in bulk with their history)."""
    for position, pc in enumerate(parsed.criteria):
        crit = AcceptanceCriterion(point=point, text=pc.text, position=position)
        if pc.done:
            crit.done_at, crit.done_by = run.now, run.actor
            crit.evidence_note = f"Marked done in the imported document {run.source_name}"
            run.report.ticks_imported += 1
        yield crit
