"""What the parser produces: plain data about one document, and the one error it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class MapParseError(ValueError):
    """A document the parser cannot read: the line and what was expected there."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass
class ParsedCriterion:
    text: str
    done: bool
    line: int


@dataclass
class ParsedPoint:
    code: str
    title: str
    line: int
    section: tuple[str, str] | None = None  # (code, title)
    group: tuple[str, str] | None = None
    flow_from: str = ""
    flow_to: str = ""
    protocol: str = ""
    owner_team: str = ""
    extra_fields: list[list[str]] = field(default_factory=list)
    criteria: list[ParsedCriterion] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    phase: int | None = None


@dataclass
class ParsedPhase:
    number: int
    name: str
    week_start: int
    week_end: int
    line: int
    codes: list[str] = field(default_factory=list)


@dataclass
class ParsedKpi:
    heading: str
    name: str
    target: str
    target_value: Decimal | None
    unit: str
    line: int


@dataclass
class ParsedMap:
    title: str
    metadata: dict[str, str]
    properties: list[list[str]]
    points: list[ParsedPoint]
    phases: list[ParsedPhase]
    kpis: list[ParsedKpi]
    warnings: list[str] = field(default_factory=list)

    @property
    def criteria_count(self) -> int:
        return sum(len(p.criteria) for p in self.points)
