"""Write a map back out: Markdown in the import format (``[x]`` for done criteria) and CSV rows.

``parse_map(map_to_markdown(m))`` reads back the same title, metadata, sections, groups, points,
criteria (with their done state), links, phases and KPI targets. Archived points are left out:
they are no longer part of the document.
"""

from __future__ import annotations

from django.db.models import Prefetch

from integrations.models import AcceptanceCriterion, IntegrationMap, IntegrationPoint
from portal.csvexport import csv_lines

from .parser import derived_code


def _points(imap: IntegrationMap):
    return (
        imap.points.filter(archived=False)
        .select_related("section", "group", "phase")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=AcceptanceCriterion.objects.select_related("done_by", "verified_by"),
            ),
            "links",
        )
        .order_by("position", "id")
    )


def _quote(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _heading(code: str, title: str) -> str:
    return f"{code} {title}".strip()


def map_to_markdown(imap: IntegrationMap) -> str:
    out: list[str] = []
    metadata = dict(imap.metadata)
    if "title" in metadata:
        metadata["title"] = imap.title  # the front matter's title is the map's
    if metadata:
        out.append("---")
        out.extend(f"{key}: {_quote(value)}" for key, value in metadata.items())
        out += ["---", ""]
    out += [f"# {imap.title}", ""]
    out.extend(f"**{label}**: {value}" for label, value in imap.properties)
    if imap.properties:
        out.append("")

    points = list(_points(imap))
    section = group = object()
    for point in points:
        if point.section_id != getattr(section, "pk", section):
            section, group = point.section, object()
            out += [
                "---",
                "",
                f"## {_heading(section.code, section.title) if section else 'Points'}",
                "",
            ]
        if point.group_id != getattr(group, "pk", group) and point.group is not None:
            group = point.group
            out += [f"### {_heading(group.code, group.title)}", ""]
        level = "####" if point.group_id else "###"
        if point.code == derived_code(point.title):
            out += [f"{level} {point.title}", ""]  # a checklist heading: its code is its title
        else:
            out += [f"{level} Integration Point {point.code}: {point.title}", ""]
        fields = []
        if point.flow_from or point.flow_to:
            fields.append(f"**Integration Flow**: {point.flow_from} ↔ {point.flow_to}")
        if point.protocol:
            fields.append(f"**Coordination Protocol**: {point.protocol}")
        if point.owner_team:
            fields.append(f"**Owner Team**: {point.owner_team}")
        fields.extend(f"**{label}**: {value}" for label, value in point.extra_fields)
        if fields:
            out += [*fields, ""]
        out += ["**Acceptance Criteria**:", ""]
        out.extend(f"- [{'x' if c.is_done else ' '}] {c.text}" for c in point.criteria.all())
        out.append("")
        links = list(point.links.all())
        if links:
            joined = " + ".join(f"[{link.name}]({link.target})" for link in links)
            out += [f"**Business Framework Integration**: {joined}", ""]

    phases = list(imap.phases.all())
    if phases:
        by_phase: dict[int, list[IntegrationPoint]] = {}
        for point in points:
            by_phase.setdefault(point.phase_id, []).append(point)
        out += ["---", "", "## Implementation Priority and Timeline", ""]
        for phase in phases:
            out += [f"### Phase {phase.number}: {phase.name} ({phase.weeks_label})", ""]
            out.extend(
                f"- {p.title} (Integration Point {p.code})" for p in by_phase.get(phase.pk, [])
            )
            out.append("")
    kpis = list(imap.kpis.all())
    if kpis:
        out += ["---", "", "## Business Impact Measurement", ""]
        heading = None
        for kpi in kpis:
            if kpi.heading != heading:
                heading = kpi.heading
                out += [f"### {heading or 'Key Performance Indicators'}", ""]
            out.append(f"- {kpi.name}: {kpi.target}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


CSV_COLUMNS = [
    "map",
    "section",
    "group",
    "phase",
    "code",
    "point",
    "flow_from",
    "flow_to",
    "owner_team",
    "criterion_no",
    "criterion",
    "done",
    "done_by",
    "done_at",
    "evidence_note",
    "evidence_url",
    "verified",
    "verified_by",
    "verified_at",
]


def map_csv_rows(imap: IntegrationMap):
    """One row per criterion of the map's current points, in ``CSV_COLUMNS`` order (raw values:
    ``portal.csvexport`` applies the formula-injection rule)."""
    for point in _points(imap):
        for number, c in enumerate(point.criteria.all(), start=1):
            yield (
                imap.title,
                str(point.section or ""),
                str(point.group or ""),
                str(point.phase or ""),
                point.code,
                point.title,
                point.flow_from,
                point.flow_to,
                point.owner_team,
                number,
                c.text,
                "yes" if c.is_done else "no",
                c.done_by.get_username() if c.done_by else "",
                c.done_at.isoformat() if c.done_at else "",
                c.evidence_note,
                c.evidence_url,
                "yes" if c.is_verified else "no",
                c.verified_by.get_username() if c.verified_by else "",
                c.verified_at.isoformat() if c.verified_at else "",
            )


def map_to_csv(imap: IntegrationMap) -> str:
    """The whole CSV as text (the download streams the same lines)."""
    return "".join(csv_lines(CSV_COLUMNS, map_csv_rows(imap)))
