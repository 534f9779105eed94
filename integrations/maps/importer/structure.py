"""Sections and groups of an import run: found by title, created or moved as the document says,
and dropped once no point sits under them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.models import MapGroup, MapSection

if TYPE_CHECKING:
    from .run import ImportRun


class Structure:
    def __init__(self, run: ImportRun):
        self.run = run
        self.map = run.map
        self.sections = {s.title: s for s in self.map.sections.all()}
        self.groups = {
            (g.section_id, g.title): g for g in MapGroup.objects.filter(section__map=self.map)
        }
        self.order: dict = {}

    def section_for(self, key: tuple[str, str] | None) -> MapSection | None:
        if key is None:
            return None
        code, title = key
        section = self.sections.get(title)
        position = self.order.setdefault(("s", title), len(self.order))
        if section is None:
            section = self.sections[title] = MapSection(
                map=self.map, code=code, title=title, position=position
            )
            self.run.save(section, f"Imported from {self.run.source_name}")
        elif (section.code, section.position) != (code, position):
            section.code, section.position = code, position
            self.run.save(
                section,
                f"Re-imported from {self.run.source_name}",
                update_fields=["code", "position"],
            )
        return section

    def group_for(self, section: MapSection | None, key: tuple[str, str] | None):
        if key is None or section is None:
            return None
        code, title = key
        group = self.groups.get((section.pk, title))
        position = self.order.setdefault(("g", section.pk, title), len(self.order))
        if group is None:
            group = self.groups[(section.pk, title)] = MapGroup(
                section=section, code=code, title=title, position=position
            )
            self.run.save(group, f"Imported from {self.run.source_name}")
        elif (group.code, group.position) != (code, position):
            group.code, group.position = code, position
            self.run.save(
                group,
                f"Re-imported from {self.run.source_name}",
                update_fields=["code", "position"],
            )
        return group

    def prune(self) -> None:
        """Headings that no longer hold any point (archived ones included) go (one by one, so
        each deletion's history names who imported)."""
        reason = f"Removed: no longer in {self.run.source_name}"
        for group in MapGroup.objects.filter(section__map=self.map, points__isnull=True):
            self.run.delete(group, reason)
        for section in MapSection.objects.filter(
            map=self.map, points__isnull=True, groups__isnull=True
        ):
            self.run.delete(section, reason)
