"""Pass 2: integration points — which headings are points, their structure (section, group),
their ``**Label**: value`` fields, links and acceptance criteria."""

from __future__ import annotations

import re

from .tokens import (
    ARROW,
    BOLD_LABEL,
    EXPLICIT_POINT,
    FIELD,
    LABEL_CRITERIA,
    LABEL_FLOW,
    LABEL_LINKS,
    LABEL_OWNER,
    LABEL_PROTOCOL,
    LINK,
    LIST_ITEM,
    MAX_CODE,
    NUMBERED,
    NUMBERED_POINT,
    PHASE,
    RULE,
    Heading,
    Line,
    clean,
    has_checklist,
    list_item,
    slug_code,
    split_code,
    strip_inline,
)
from .types import MapParseError, ParsedCriterion, ParsedPoint


def read_points(
    found: list[Heading], title_heading: Heading | None, warnings: list[str]
) -> list[ParsedPoint]:
    points: list[ParsedPoint] = []
    seen: dict[str, int] = {}
    stack: list[Heading] = []  # structural ancestors of the current heading
    swallow_level = None  # inside an explicit point: deeper headings belong to it
    current: ParsedPoint | None = None
    current_body: list[Line] = []
    slugs: set[str] = set()

    def finish():
        if current is not None:
            fill_point(current, current_body, explicit=True, warnings=warnings)
            points.append(current)

    for h in found:
        if swallow_level is not None and h.level > swallow_level:
            sub_label = re.sub(r"[*_]", "", h.text)
            current_body.append(Line(h.line, f"**{sub_label}**:"))
            current_body.extend(h.body)
            continue
        if swallow_level is not None:
            finish()
            current, current_body, swallow_level = None, [], None
        while stack and stack[-1].level >= h.level:
            stack.pop()
        if h is title_heading or PHASE.match(h.text):
            continue
        explicit = EXPLICIT_POINT.match(h.text) or NUMBERED_POINT.match(h.text)
        if explicit:
            code = explicit.group("code").rstrip(".")
            title = strip_inline(explicit.group("title"))
            current = _new_point(code, title, h, stack, seen)
            current_body = list(h.body)
            swallow_level = h.level
            continue
        if has_checklist(h.body):
            numbered = NUMBERED.match(h.text)
            if numbered:
                code, title = numbered.group("code"), strip_inline(numbered.group("title"))
            else:
                code, title = slug_code(h.text, slugs), h.text
            point = _new_point(code, title, h, stack, seen)
            fill_point(point, h.body, explicit=False, warnings=warnings)
            points.append(point)
            continue
        stack.append(h)
    finish()
    return points


def _new_point(code, title, h: Heading, stack: list[Heading], seen: dict[str, int]) -> ParsedPoint:
    if len(code) > MAX_CODE:
        raise MapParseError(h.line, f"expected a point code of at most {MAX_CODE} characters")
    if code in seen:
        raise MapParseError(
            h.line,
            f"point {code} is defined twice (first at line {seen[code]}); codes must be unique",
        )
    seen[code] = h.line
    structure = list(stack)
    point = ParsedPoint(code=code, title=title[:300], line=h.line)
    if structure:
        point.section = split_code(structure[0].text)
        if len(structure) > 1:
            point.group = split_code(structure[-1].text)
    return point


def fill_point(
    point: ParsedPoint, body: list[Line], *, explicit: bool, warnings: list[str]
) -> None:
    """Read a point's body: fields, the lists under each label, and its criteria."""
    label: tuple[str, int] | None = None
    lists: dict[str, list[list]] = {}
    checked: list[list] = []
    criteria_label: tuple[str, int] | None = None
    last_item: list | None = None
    for line in body:
        raw = line.text
        stripped = raw.strip()
        if RULE.match(raw):
            break  # a thematic break ends the point: what follows is the document's again
        if not stripped:
            continue
        item = LIST_ITEM.match(raw)
        if item:
            text, done = list_item(item.group("body"), line.number)
            entry = [line, text, done]
            if item.group("indent") and last_item is not None:
                last_item[1] = f"{last_item[1]} — {text}"  # a sub-bullet continues its item
                continue
            lists.setdefault(label[0] if label else "", []).append(entry)
            if done is not None:
                checked.append(entry)
            last_item = entry
            continue
        if raw[:1] in (" ", "\t") and last_item is not None:
            last_item[1] = f"{last_item[1]} {clean(stripped)}"  # wrapped item text
            continue
        last_item = None
        m = FIELD.match(stripped)
        if m and m.group("value").strip():
            _field(point, clean(m.group("label")), clean(m.group("value")), line)
            continue
        m = BOLD_LABEL.match(stripped) or m  # a label alone, or `**Label**:` with no value
        if m:
            label = (clean(m.group("label")), line.number)
            if LABEL_CRITERIA.search(label[0]) and criteria_label is None:
                criteria_label = label
            continue
        # A plain paragraph is description; it ends the current label's list.
        label = ("\x00paragraph", line.number)
    if criteria_label is not None:
        items = lists.get(criteria_label[0], [])
        if not items:
            raise MapParseError(
                criteria_label[1],
                f"expected a list of criteria (`- …` or `- [ ] …`) after `{criteria_label[0]}`",
            )
    elif checked:
        items = checked
    elif explicit:
        items = lists.get("", [])  # bullets right under the heading, not under other labels
    else:
        items = []
    for entry_line, text, done in items:
        if not text:
            raise MapParseError(entry_line.number, "expected the criterion's text after the bullet")
        point.criteria.append(ParsedCriterion(text=text, done=bool(done), line=entry_line.number))
    if not point.criteria:
        warnings.append(f"line {point.line}: point {point.code} has no acceptance criteria")


def _field(point: ParsedPoint, label: str, value: str, line: Line) -> None:
    if LABEL_FLOW.search(label):
        parts = ARROW.split(value, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise MapParseError(
                line.number, f"expected the integration flow as `From ↔ To`, got {value!r}"
            )
        point.flow_from, point.flow_to = clean(parts[0])[:300], clean(parts[1])[:300]
    elif LABEL_LINKS.search(label) and "](" in value:
        point.links = [(clean(m["name"]), m["target"]) for m in LINK.finditer(value)]
        if not point.links:
            raise MapParseError(line.number, "expected links written as `[Name](target)`")
    elif LABEL_OWNER.search(label):
        point.owner_team = value[:120]
    elif LABEL_PROTOCOL.search(label) and not point.protocol:
        point.protocol = value
    else:
        point.extra_fields.append([label, value])
