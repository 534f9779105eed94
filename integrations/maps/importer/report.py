"""What an import did (or, in a dry run, would do): the report the preview page and the
management command show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
