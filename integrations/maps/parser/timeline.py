"""Pass 3: the phases (``Phase N: Name (Weeks a-b)`` lists naming points) and the KPI targets
(``Name: target`` items under a KPI / success-validation heading)."""

from __future__ import annotations

import re

from .tokens import (
    CODE_REF,
    KPI_HEADING,
    KPI_ITEM,
    LIST_ITEM,
    NUMBER,
    PHASE,
    WEEKS,
    Heading,
    clean,
    has_checklist,
    key,
    number,
    strip_inline,
)
from .types import MapParseError, ParsedKpi, ParsedPhase, ParsedPoint


def read_phases(found: list[Heading], points: list[ParsedPoint]) -> list[ParsedPhase]:
    """The phases in number order; sets each listed point's ``phase``."""
    by_code = {p.code: p for p in points}
    by_title = {key(p.title): p for p in points}
    phases: dict[int, ParsedPhase] = {}
    for h in found:
        m = PHASE.match(h.text)
        if not m:
            continue
        rest = m.group("rest")
        weeks = WEEKS.search(rest)
        if not weeks:
            raise MapParseError(
                h.line, f"expected the phase's weeks as `(Weeks a-b)` in {h.text!r}"
            )
        a, b = int(weeks["a"]), int(weeks["b"] or weeks["a"])
        if a < 1 or b < a:
            raise MapParseError(h.line, f"expected a week range a-b with 1 ≤ a ≤ b, got {a}-{b}")
        num = int(m.group("number"))
        if num in phases:
            raise MapParseError(
                h.line, f"phase {num} is defined twice (first at line {phases[num].line})"
            )
        name = rest[: weeks.start()] + " " + rest[weeks.end() :]
        name = strip_inline(clean(name).strip(" :–—-")) or f"Phase {num}"
        phase = ParsedPhase(num, name[:300], a, b, h.line)
        phases[num] = phase
        for line in h.body:
            item = LIST_ITEM.match(line.text)
            if not item or item.group("indent"):
                continue
            text = clean(item.group("body"))
            point = _phase_point(text, by_code, by_title, line.number)
            if point.phase is not None and point.phase != num:
                raise MapParseError(
                    line.number,
                    f"point {point.code} is already in phase {point.phase}; "
                    "a point belongs to one phase",
                )
            point.phase = num
            if point.code not in phase.codes:
                phase.codes.append(point.code)
    return sorted(phases.values(), key=lambda p: p.number)


def _phase_point(text: str, by_code: dict, by_title: dict, line_number: int) -> ParsedPoint:
    refs = [m["code"] for m in CODE_REF.finditer(text)]
    for code in reversed(refs):  # "(Integration Point 1.1.1)" comes last
        if code in by_code:
            return by_code[code]
    if refs:
        raise MapParseError(
            line_number, f"expected a point defined in this document; {refs[-1]} is not one"
        )
    title = key(re.sub(r"\([^)]*\)\s*$", "", text))
    if title in by_title:
        return by_title[title]
    raise MapParseError(
        line_number,
        f"expected the phase item to name a point by code, e.g. `(Integration Point 1.1.1)`, "
        f"or by its title; {text!r} matches none",
    )


def read_kpis(found: list[Heading], warnings: list[str]) -> list[ParsedKpi]:
    kpis: list[ParsedKpi] = []
    names: set[str] = set()
    for h in found:
        if not KPI_HEADING.search(h.text) or has_checklist(h.body):
            continue
        for line in h.body:
            item = LIST_ITEM.match(line.text)
            if not item or item.group("indent"):
                continue
            m = KPI_ITEM.match(item.group("body").strip())
            if not m:
                continue
            name, target = clean(m["name"])[:300], clean(m["target"])[:300]
            found_number = NUMBER.search(target)
            if not found_number:
                continue
            if key(name) in names:
                warnings.append(f"line {line.number}: KPI {name!r} appears again; kept the first")
                continue
            names.add(key(name))
            value, unit = number(found_number)
            kpis.append(ParsedKpi(h.text, name, target, value, unit, line.number))
    return kpis
