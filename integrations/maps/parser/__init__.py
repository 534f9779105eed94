"""Line-based reader for integration-map Markdown documents (no database access).

The reader looks at the document's *shape*, not its wording:

- front matter between ``---`` lines (``key: value``) and the first ``#`` heading give the title;
- a heading is a **point** when it names a code (``Integration Point 1.1.1: Title``,
  ``Point 2.3: Title``, ``1.2.3 Title``) or when checkbox items (``- [ ]`` / ``- [x]``) or a
  criteria label sit directly under it. A point's ``**Label**: value`` lines give its flow
  (``A ↔ B``), protocol, owner team and links (``[Name](target)``); the list under a label
  naming criteria (or its checkboxes) gives its criteria in order;
- other headings are structure: the outermost one above a point is its section, the nearest one
  below that its group, whatever their depth;
- ``Phase N: Name (Weeks a-b)`` headings list the points of each phase by code (or title);
- ``Name: target`` items under a heading about KPIs / success validation are KPI targets.

Anything it cannot read raises ``MapParseError`` naming the line and what was expected.

Modules: ``tokens`` (line patterns and text helpers), ``outline`` (front matter, headings,
title), ``points`` (points and their criteria), ``timeline`` (phases and KPI targets).
"""

from __future__ import annotations

import unicodedata

from . import outline
from .points import read_points
from .timeline import read_kpis, read_phases
from .tokens import MAX_CODE, derived_code
from .types import (
    MapParseError,
    ParsedCriterion,
    ParsedKpi,
    ParsedMap,
    ParsedPhase,
    ParsedPoint,
)

__all__ = [
    "MAX_CODE",
    "MapParseError",
    "ParsedCriterion",
    "ParsedKpi",
    "ParsedMap",
    "ParsedPhase",
    "ParsedPoint",
    "decode",
    "derived_code",
    "parse_map",
]


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MapParseError(line, "expected UTF-8 text; this file is in another encoding") from exc


def parse_map(data: bytes | str) -> ParsedMap:
    text = unicodedata.normalize("NFC", decode(data))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = text.split("\n")
    if not text.strip():
        raise MapParseError(1, "expected a Markdown document; the file is empty")
    warnings: list[str] = []
    start, metadata = outline.front_matter(lines)
    headings, preamble = outline.headings(lines, start)
    title, title_heading = outline.title(metadata, headings)
    properties = outline.properties(title_heading.body if title_heading else preamble)
    points = read_points(headings, title_heading, warnings)
    phases = read_phases(headings, points)
    kpis = read_kpis(headings, warnings)
    if not points:
        last = max((i for i, line in enumerate(lines, 1) if line.strip()), default=1)
        raise MapParseError(
            last,
            "expected at least one integration point: a heading such as "
            "`#### Integration Point 1.1.1: Title` or a checkbox list (`- [ ] …`) under a "
            "heading; found none in the whole document",
        )
    return ParsedMap(
        title=title,
        metadata=metadata,
        properties=properties,
        points=points,
        phases=phases,
        kpis=kpis,
        warnings=warnings,
    )
