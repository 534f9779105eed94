"""Import a parsed integration-map document into the database, in place, keeping progress.

Points are matched by code, criteria by their text (then by position, for reworded ones),
phases by number and KPI targets by name. Points the document no longer has are archived, never
deleted, so their ticks stay. A dry run performs the same work inside a transaction that is rolled
back, so its report is exactly what applying would do.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from integrations.models import (
    AcceptanceCriterion,
    FrameworkLink,
    IntegrationMap,
    IntegrationPoint,
    KpiTarget,
    MapGroup,
    MapSection,
    Phase,
)

from .parser import ParsedMap, ParsedPoint, parse_map


@dataclass
class ImportReport:
    map_title: str
    map_id: int | None = None
    created: bool = False
    dry_run: bool = False
    points_added: list[str] = field(default_factory=list)
    points_changed: list[dict] = field(default_factory=list)
    points_removed: list[str] = field(default_factory=list)
    points_restored: list[str] = field(default_factory=list)
    criteria_added: int = 0
    criteria_changed: int = 0
    criteria_removed: int = 0
    ticks_imported: int = 0
    ticks_kept: int = 0
    phases_added: list[str] = field(default_factory=list)
    phases_changed: list[str] = field(default_factory=list)
    phases_removed: list[str] = field(default_factory=list)
    kpis_added: list[str] = field(default_factory=list)
    kpis_changed: list[str] = field(default_factory=list)
    kpis_removed: list[str] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(
            self.created
            or self.points_added
            or self.points_changed
            or self.points_removed
            or self.points_restored
            or self.phases_added
            or self.phases_changed
            or self.phases_removed
            or self.kpis_added
            or self.kpis_changed
            or self.kpis_removed
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "has_changes": self.has_changes}

    def lines(self) -> list[str]:
        """The report as plain text lines (management command, logs)."""
        verb = "would be" if self.dry_run else "were"
        out = [f"Map: {self.map_title}" + (" (new)" if self.created else f" (#{self.map_id})")]
        t = self.totals
        out.append(
            f"Document: {t.get('points', 0)} points, {t.get('criteria', 0)} criteria, "
            f"{t.get('phases', 0)} phases, {t.get('kpis', 0)} KPI targets"
        )
        out.append(
            f"Points added: {len(self.points_added)} {', '.join(self.points_added)}".rstrip()
        )
        out.append(f"Points changed: {len(self.points_changed)}")
        out.extend(f"  {c['code']}: {', '.join(c['changes'])}" for c in self.points_changed)
        out.append(
            f"Points removed (archived): {len(self.points_removed)} "
            f"{', '.join(self.points_removed)}".rstrip()
        )
        if self.points_restored:
            out.append(f"Points restored from the archive: {', '.join(self.points_restored)}")
        out.append(
            f"Criteria: {self.criteria_added} added, {self.criteria_changed} reworded, "
            f"{self.criteria_removed} removed; {self.ticks_imported} ticked by the document, "
            f"{self.ticks_kept} earlier ticks kept"
        )
        for kind in ("phases", "kpis"):
            added, changed, removed = (
                getattr(self, f"{kind}_{x}") for x in ("added", "changed", "removed")
            )
            if added or changed or removed:
                label = "Phases" if kind == "phases" else "KPI targets"
                out.append(
                    f"{label}: {len(added)} added, {len(changed)} changed, {len(removed)} removed"
                )
        out.extend(f"Warning: {w}" for w in self.warnings)
        out.append("Nothing changes." if not self.has_changes else f"These changes {verb} written.")
        return out


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
            _Importer(parsed, report, actor=actor, source_name=source_name).run(
                target=target, text=text, cycle_start=cycle_start
            )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        if report.created:
            report.map_id = None
    return report


class _Importer:
    def __init__(self, parsed: ParsedMap, report: ImportReport, *, actor, source_name: str):
        self.parsed = parsed
        self.report = report
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.source_name = source_name
        self.now = timezone.now()
        self._new_criteria: list[AcceptanceCriterion] = []
        self._new_links: list[FrameworkLink] = []

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
        imap.save()
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
        phases = self._phases()
        self._points(phases)
        self._kpis()
        return imap

    # -- phases ---------------------------------------------------------------------------------
    def _phases(self) -> dict[int, Phase]:
        existing = {p.number: p for p in self.map.phases.all()}
        result = {}
        for parsed in self.parsed.phases:
            phase = existing.pop(parsed.number, None)
            values = {
                "name": parsed.name,
                "week_start": parsed.week_start,
                "week_end": parsed.week_end,
            }
            label = f"Phase {parsed.number}: {parsed.name}"
            if phase is None:
                phase = Phase.objects.create(map=self.map, number=parsed.number, **values)
                self.report.phases_added.append(label)
            elif any(getattr(phase, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(phase, k, v)
                phase.save()
                self.report.phases_changed.append(label)
            result[parsed.number] = phase
        for phase in existing.values():
            self.report.phases_removed.append(str(phase))
            phase.delete()
        return result

    # -- sections and groups --------------------------------------------------------------------
    def _structure(self):
        sections = {s.title: s for s in self.map.sections.all()}
        groups = {
            (g.section_id, g.title): g for g in MapGroup.objects.filter(section__map=self.map)
        }
        order: dict = {}

        def section_for(key):
            if key is None:
                return None
            code, title = key
            section = sections.get(title)
            position = order.setdefault(("s", title), len(order))
            if section is None:
                section = sections[title] = MapSection.objects.create(
                    map=self.map, code=code, title=title, position=position
                )
            elif (section.code, section.position) != (code, position):
                section.code, section.position = code, position
                section.save(update_fields=["code", "position"])
            return section

        def group_for(section, key):
            if key is None or section is None:
                return None
            code, title = key
            group = groups.get((section.pk, title))
            position = order.setdefault(("g", section.pk, title), len(order))
            if group is None:
                group = groups[(section.pk, title)] = MapGroup.objects.create(
                    section=section, code=code, title=title, position=position
                )
            elif (group.code, group.position) != (code, position):
                group.code, group.position = code, position
                group.save(update_fields=["code", "position"])
            return group

        return section_for, group_for

    # -- points ---------------------------------------------------------------------------------
    def _points(self, phases: dict[int, Phase]) -> None:
        existing = {
            p.code: p
            for p in self.map.points.prefetch_related("criteria", "links").select_related(
                "section", "group", "phase"
            )
        }
        section_for, group_for = self._structure()
        added = set()
        for position, parsed in enumerate(self.parsed.points):
            section = section_for(parsed.section)
            group = group_for(section, parsed.group)
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
                point = IntegrationPoint(map=self.map, code=parsed.code, **values)
                self._save_point(point, f"Imported from {self.source_name}")
                self.report.points_added.append(parsed.code)
                added.add(parsed.code)
                changes = []
            else:
                changes = [
                    _FIELD_LABELS.get(k, k)
                    for k, v in values.items()
                    if k != "position" and getattr(point, k) != v
                ]
                if point.archived:
                    self.report.points_restored.append(parsed.code)
                if changes or point.position != position:
                    for k, v in values.items():
                        setattr(point, k, v)
                    self._save_point(
                        point, f"Re-imported from {self.source_name}: {', '.join(changes)}"
                    )
            if parsed.code in added:
                self._children_of_new_point(point, parsed)
                continue
            if self._links(point, parsed):
                changes.append("framework links")
            changes.extend(self._criteria(point, parsed))
            changes = list(dict.fromkeys(c for c in changes if c != "archived"))
            if changes and parsed.code not in added:
                self.report.points_changed.append(
                    {"code": parsed.code, "title": parsed.title, "changes": changes}
                )
        self._flush_new_children()
        for point in existing.values():
            if not point.archived:
                point.archived = True
                self._save_point(point, f"Archived: no longer in {self.source_name}")
                self.report.points_removed.append(point.code)
        # Headings that no longer hold any point (archived ones included) go.
        MapGroup.objects.filter(section__map=self.map, points__isnull=True).delete()
        MapSection.objects.filter(map=self.map, points__isnull=True, groups__isnull=True).delete()

    def _save_point(self, point: IntegrationPoint, reason: str) -> None:
        point._history_user = self.actor
        point._change_reason = reason[:100]
        # Field checks only: the related rows were just read or written here, and the parser
        # already guarantees unique codes (re-checking would cost four queries per point).
        point.clean_fields(exclude=["map", "section", "group", "phase"])
        point.save()

    def _links(self, point: IntegrationPoint, parsed: ParsedPoint) -> bool:
        current = [(link.name, link.target) for link in point.links.all()] if point.pk else []
        if current == list(parsed.links):
            return False
        FrameworkLink.objects.filter(point=point).delete()
        FrameworkLink.objects.bulk_create(
            FrameworkLink(point=point, position=i, name=name, target=target)
            for i, (name, target) in enumerate(parsed.links)
        )
        return bool(current) or bool(parsed.links)

    def _children_of_new_point(self, point: IntegrationPoint, parsed: ParsedPoint) -> None:
        """Queue a new point's criteria and links: written in bulk, history included."""
        for position, pc in enumerate(parsed.criteria):
            crit = AcceptanceCriterion(point=point, text=pc.text, position=position)
            if pc.done:
                crit.done_at, crit.done_by = self.now, self.actor
                crit.evidence_note = f"Marked done in the imported document {self.source_name}"
                self.report.ticks_imported += 1
            self._new_criteria.append(crit)
        self._new_links.extend(
            FrameworkLink(point=point, position=i, name=name, target=target)
            for i, (name, target) in enumerate(parsed.links)
        )

    def _flush_new_children(self) -> None:
        if self._new_criteria:
            bulk_create_with_history(
                self._new_criteria,
                AcceptanceCriterion,
                batch_size=500,
                default_user=self.actor,
                default_change_reason=f"Imported from {self.source_name}"[:100],
                default_date=self.now,
            )
        FrameworkLink.objects.bulk_create(self._new_links, batch_size=500)
        self._new_criteria, self._new_links = [], []

    def _criteria(self, point: IntegrationPoint, parsed: ParsedPoint) -> list[str]:
        old = list(point.criteria.all())
        by_text: dict[str, list[AcceptanceCriterion]] = {}
        for c in old:
            by_text.setdefault(_norm(c.text), []).append(c)
        matched: list[AcceptanceCriterion | None] = []
        for pc in parsed.criteria:
            bucket = by_text.get(_norm(pc.text))
            matched.append(bucket.pop(0) if bucket else None)
        used = {c.pk for c in matched if c is not None}
        leftovers = [c for c in old if c.pk not in used]
        added = reworded = 0
        for position, (pc, crit) in enumerate(zip(parsed.criteria, matched, strict=True)):
            if crit is None and leftovers and leftovers[0].position == position:
                crit = leftovers.pop(0)  # same place, new words: keep its ticks
                reworded += 1
            reason = f"Imported from {self.source_name}"
            if crit is None:
                crit = AcceptanceCriterion(point=point, text=pc.text, position=position)
                added += 1
                dirty = True
            else:
                dirty = crit.text != pc.text or crit.position != position
                crit.text, crit.position = pc.text, position
                if crit.is_done:
                    self.report.ticks_kept += 1
            if pc.done and not crit.is_done:
                crit.done_at, crit.done_by = self.now, self.actor
                crit.evidence_note = f"Marked done in the imported document {self.source_name}"
                crit.untick_reason = ""
                reason = f"Ticked by the imported document {self.source_name}"
                self.report.ticks_imported += 1
                dirty = True
            if dirty:
                crit._history_user = self.actor
                crit._change_reason = reason[:100]
                crit.save()
        for crit in leftovers:
            crit._history_user = self.actor
            crit._change_reason = f"Removed: no longer in {self.source_name}"[:100]
            crit.delete()
        self.report.criteria_added += added
        self.report.criteria_changed += reworded
        self.report.criteria_removed += len(leftovers)
        changes = []
        if added:
            changes.append(f"{added} criteria added")
        if reworded:
            changes.append(f"{reworded} criteria reworded")
        if leftovers:
            changes.append(f"{len(leftovers)} criteria removed")
        if (
            old
            and not (added or reworded or leftovers)
            and [c.pk for c in matched] != [c.pk for c in old]
        ):
            changes.append("criteria reordered")
        return changes

    # -- KPI targets ----------------------------------------------------------------------------
    def _kpis(self) -> None:
        existing = {k.name: k for k in self.map.kpis.all()}
        for position, parsed in enumerate(self.parsed.kpis):
            kpi = existing.pop(parsed.name, None)
            values = {
                "heading": parsed.heading[:300],
                "target": parsed.target,
                "target_value": parsed.target_value,
                "unit": parsed.unit,
            }
            if kpi is None:
                KpiTarget.objects.create(
                    map=self.map, name=parsed.name, position=position, **values
                )
                self.report.kpis_added.append(parsed.name)
                continue
            if any(getattr(kpi, k) != v for k, v in values.items()):
                self.report.kpis_changed.append(parsed.name)
            for k, v in values.items():
                setattr(kpi, k, v)
            kpi.position = position
            kpi.save()
        for kpi in existing.values():
            self.report.kpis_removed.append(kpi.name)
            kpi.delete()


_FIELD_LABELS = {
    "flow_from": "flow",
    "flow_to": "flow",
    "protocol": "coordination protocol",
    "extra_fields": "other fields",
    "owner_team": "owner team",
}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
