"""Line-based reader for integration-map Markdown documents (no database access).

The reader looks at the document's *shape*, not its wording:

- front matter between ``---`` lines (``key: value``) and the first ``#`` heading give the title;
- a heading is a **point** when it names a code (``Integration Point 1.1.1: Title``,
  ``Point 2.3: Title``, ``1.2.3 Title``) or when checkbox items (``- [ ]`` / ``- [x]``) or a
  criteria label sit directly under it. A point's ``**Label**: value`` lines give its flow
  (``A ↔ B``),
  protocol, owner team and links (``[Name](target)``); the list under a label naming criteria
  (or its checkboxes) gives its criteria in order;
- other headings are structure: the outermost one above a point is its section, the nearest one
  below that its group, whatever their depth;
- ``Phase N: Name (Weeks a-b)`` headings list the points of each phase by code (or title);
- ``Name: target`` items under a heading about KPIs / success validation are KPI targets.

Anything it cannot read raises ``MapParseError`` naming the line and what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify

MAX_CODE = 80


class MapParseError(ValueError):
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


# --- line patterns -----------------------------------------------------------------------------

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
BOLD_LINE = re.compile(r"^ {0,3}(?:\*\*|__)([^*_]+?)(?:\*\*|__)[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+(?P<body>.*)$")
CHECKBOX = re.compile(r"^\[(?P<mark>[^\]]?)\][ \t]*(?P<text>.*)$")
# "**Label**: value", "**Label:** value", "__Label__: value", "Label:" lines made only of bold.
FIELD = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_]+?)(?::(?:\*\*|__)|(?:\*\*|__)[ \t]*:)[ \t]*(?P<value>.*)$"
)
BOLD_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_]+?)(?:\*\*|__)[ \t]*:?[ \t]*$")
CODE = r"\d+(?:\.\d+)+|[A-Za-z]+-\d+(?:\.\d+)*"
EXPLICIT_POINT = re.compile(
    rf"^(?:.*?\b)?point[ \t]+(?P<code>{CODE}|[\w.-]*\d[\w.-]*)[ \t]*[:：—–-][ \t]*(?P<title>.+)$",
    re.IGNORECASE,
)
NUMBERED_POINT = re.compile(
    r"^(?P<code>\d+\.\d+\.\d+(?:\.\d+)*)\.?[ \t]*[:：—–-]?[ \t]+(?P<title>.+)$"
)
NUMBERED = re.compile(r"^(?P<code>\d+(?:\.\d+)*)\.?[ \t]+(?P<title>.+)$")
PHASE = re.compile(
    r"^phase[ \t]+(?P<number>\d+)\b[ \t]*[:：.—–-]?[ \t]*(?P<rest>.*)$", re.IGNORECASE
)
WEEKS = re.compile(
    r"\((?:weeks?|wks?\.?)[ \t]*(?P<a>\d+)"
    r"(?:[ \t]*(?:-|–|—|to)[ \t]*(?:weeks?[ \t]*)?(?P<b>\d+))?\)",
    re.IGNORECASE,
)
ARROW = re.compile(r"[ \t]*(?:↔|⟷|⇄|⇆|<->|<=>|→|⟶|->)[ \t]*")
LINK = re.compile(r"\[(?P<name>[^\]]+)\]\((?P<target>[^)\s]+)(?:[ \t]+\"[^\"]*\")?\)")
CODE_REF = re.compile(rf"(?<![\w.])(?P<code>{CODE})(?![\w])")
NUMBER = re.compile(r"(?P<prefix>[$€£]?)(?P<num>\d+(?:[.,]\d+)?)(?P<unit>%|[kKmMbB]\b|x\b)?")

KPI_HEADING = re.compile(
    r"\b(kpis?|key performance indicators?|success validation|success metrics|targets?)\b", re.I
)
LABEL_CRITERIA = re.compile(r"criteri|checklist|definition of done|done when", re.I)
LABEL_FLOW = re.compile(r"\bflow\b", re.I)
LABEL_PROTOCOL = re.compile(r"protocol|coordination", re.I)
LABEL_OWNER = re.compile(r"\bowner", re.I)
LABEL_LINKS = re.compile(r"framework|\blinks?\b|references?", re.I)


@dataclass
class _Line:
    number: int
    text: str


@dataclass
class _Heading:
    level: int
    text: str
    line: int
    body: list[_Line] = field(default_factory=list)
    index: int = 0


def _clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def _strip_inline(text: str) -> str:
    """Drop emphasis markers around a whole heading or item (``**Foo**`` → ``Foo``)."""
    text = _clean(text)
    m = re.fullmatch(r"(\*\*|__|\*|_)(.+)\1", text)
    return m.group(2).strip() if m else text


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
    return _Reader(lines).read()


class _Reader:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.warnings: list[str] = []

    # -- pass 1: front matter, headings with their bodies -----------------------------------
    def read(self) -> ParsedMap:
        start, metadata = self._front_matter()
        headings, preamble = self._headings(start)
        title, title_heading = self._title(metadata, headings)
        properties = self._properties(title_heading.body if title_heading else preamble)
        points = self._points(headings, title_heading)
        phases = self._phases(headings, points)
        kpis = self._kpis(headings)
        if not points:
            last = max((i for i, line in enumerate(self.lines, 1) if line.strip()), default=1)
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
            warnings=self.warnings,
        )

    def _front_matter(self) -> tuple[int, dict[str, str]]:
        first = next((i for i, line in enumerate(self.lines) if line.strip()), 0)
        if self.lines[first].strip() != "---":
            return first, {}
        metadata: dict[str, str] = {}
        last_key = None
        for i in range(first + 1, len(self.lines)):
            raw = self.lines[i]
            stripped = raw.strip()
            if stripped in ("---", "..."):
                return i + 1, metadata
            if not stripped or stripped.startswith("#"):
                continue
            m = re.match(r"^([\w][\w .-]*?)[ \t]*:[ \t]*(.*)$", raw)
            if m and not raw[:1].isspace():
                last_key = m.group(1).strip()
                metadata[last_key] = _unquote(m.group(2))
            elif last_key and (raw[:1].isspace() or stripped.startswith("- ")):
                item = _unquote(stripped.removeprefix("- "))
                joined = f"{metadata[last_key]}, {item}" if metadata[last_key] else item
                metadata[last_key] = joined
            else:
                raise MapParseError(
                    i + 1, f"expected `key: value` in the front matter, got {stripped!r}"
                )
        raise MapParseError(
            first + 1, "the front matter opened with `---` is never closed by `---`"
        )

    def _headings(self, start: int) -> tuple[list[_Heading], list[_Line]]:
        headings: list[_Heading] = []
        preamble: list[_Line] = []
        fence_line = None
        real_level = None  # the depth of the last `#` / setext heading
        for i in range(start, len(self.lines)):
            raw = self.lines[i]
            if FENCE.match(raw):
                fence_line = None if fence_line else i + 1
                continue
            if fence_line:
                continue
            m = HEADING.match(raw)
            if m:
                text = _strip_inline(m.group(2) or "")
                if not text:
                    raise MapParseError(i + 1, "expected heading text after the `#` marks")
                headings.append(_Heading(len(m.group(1)), text, i + 1, index=len(headings)))
                real_level = len(m.group(1))
                continue
            bold = BOLD_LINE.match(raw)
            if bold and EXPLICIT_POINT.match(bold.group(1).strip()):
                # "**Integration Point 1.2.3: Title**" on its own line: a point heading one level
                # below the last real heading.
                level = min(6, (real_level or 0) + 1)
                text = _clean(bold.group(1))
                headings.append(_Heading(level, text, i + 1, index=len(headings)))
                continue
            target = headings[-1].body if headings else preamble
            underline = SETEXT.match(raw)
            if underline and target and self._setext_title(target, i):
                title = target.pop()
                level = 1 if underline.group(1)[0] == "=" else 2
                headings.append(
                    _Heading(level, _strip_inline(title.text), title.number, index=len(headings))
                )
                real_level = level
                continue
            target.append(_Line(i + 1, raw))
        if fence_line:
            raise MapParseError(fence_line, "the code block opened here is never closed")
        return headings, preamble

    def _setext_title(self, body: list[_Line], i: int) -> bool:
        """``Title`` underlined with ``===`` / ``---``: a one-line plain paragraph just above."""
        prev = body[-1]
        if prev.number != i or not prev.text.strip() or prev.text[:1] in (" ", "\t"):
            return False
        text = prev.text.strip()
        if (
            LIST_ITEM.match(prev.text)
            or FIELD.match(text)
            or BOLD_LABEL.match(text)
            or RULE.match(text)
        ):
            return False
        before = self.lines[i - 2] if i >= 2 else ""
        return not before.strip() or bool(HEADING.match(before))

    def _title(self, metadata, headings) -> tuple[str, _Heading | None]:
        top = min((h.level for h in headings), default=None)
        title_heading = None
        if headings and headings[0].level == top and sum(h.level == top for h in headings) == 1:
            title_heading = headings[0]
        title = metadata.get("title") or (title_heading.text if title_heading else "")
        if not title:
            raise MapParseError(
                1, "expected a title: a `title:` in the front matter or a single `# Title` heading"
            )
        return _clean(title)[:300], title_heading

    def _properties(self, body: list[_Line]) -> list[list[str]]:
        props = []
        for line in body:
            m = FIELD.match(line.text.strip())
            if m and m.group("value").strip():
                props.append([_clean(m.group("label")), _clean(m.group("value"))])
        return props

    # -- pass 2: points -----------------------------------------------------------------------
    def _points(self, headings: list[_Heading], title_heading) -> list[ParsedPoint]:
        points: list[ParsedPoint] = []
        seen: dict[str, int] = {}
        stack: list[_Heading] = []  # structural ancestors of the current heading
        swallow_level = None  # inside an explicit point: deeper headings belong to it
        current: ParsedPoint | None = None
        current_body: list[_Line] = []
        slugs: set[str] = set()

        def finish():
            if current is not None:
                self._fill_point(current, current_body, explicit=True)
                points.append(current)

        for h in headings:
            if swallow_level is not None and h.level > swallow_level:
                sub_label = re.sub(r"[*_]", "", h.text)
                current_body.append(_Line(h.line, f"**{sub_label}**:"))
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
                title = _strip_inline(explicit.group("title"))
                current = self._new_point(code, title, h, stack, seen)
                current_body = list(h.body)
                swallow_level = h.level
                continue
            if self._has_checklist(h.body):
                numbered = NUMBERED.match(h.text)
                if numbered:
                    code, title = numbered.group("code"), _strip_inline(numbered.group("title"))
                else:
                    code, title = _slug_code(h.text, slugs), h.text
                point = self._new_point(code, title, h, stack, seen)
                self._fill_point(point, h.body, explicit=False)
                points.append(point)
                continue
            stack.append(h)
        finish()
        return points

    def _new_point(self, code, title, h: _Heading, stack, seen) -> ParsedPoint:
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
            point.section = _split_code(structure[0].text)
            if len(structure) > 1:
                point.group = _split_code(structure[-1].text)
        return point

    @staticmethod
    def _has_checklist(body: list[_Line]) -> bool:
        for line in body:
            m = LIST_ITEM.match(line.text)
            if m and CHECKBOX.match(m.group("body").strip()):
                return True
        return False

    def _fill_point(self, point: ParsedPoint, body: list[_Line], *, explicit: bool) -> None:
        label: tuple[str, int] | None = None
        lists: dict[str, list[tuple[_Line, str, bool | None]]] = {}
        checked: list[tuple[_Line, str, bool | None]] = []
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
                text, done = _item(item.group("body"), line.number)
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
                last_item[1] = f"{last_item[1]} {_clean(stripped)}"  # wrapped item text
                continue
            last_item = None
            m = FIELD.match(stripped)
            if m and m.group("value").strip():
                self._field(point, _clean(m.group("label")), _clean(m.group("value")), line)
                continue
            m = BOLD_LABEL.match(stripped) or m  # a label alone, or `**Label**:` with no value
            if m:
                label = (_clean(m.group("label")), line.number)
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
                raise MapParseError(
                    entry_line.number, "expected the criterion's text after the bullet"
                )
            point.criteria.append(
                ParsedCriterion(text=text, done=bool(done), line=entry_line.number)
            )
        if not point.criteria:
            self.warnings.append(
                f"line {point.line}: point {point.code} has no acceptance criteria"
            )

    def _field(self, point: ParsedPoint, label: str, value: str, line: _Line) -> None:
        if LABEL_FLOW.search(label):
            parts = ARROW.split(value, maxsplit=1)
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise MapParseError(
                    line.number, f"expected the integration flow as `From ↔ To`, got {value!r}"
                )
            point.flow_from, point.flow_to = _clean(parts[0])[:300], _clean(parts[1])[:300]
        elif LABEL_LINKS.search(label) and "](" in value:
            point.links = [(_clean(m["name"]), m["target"]) for m in LINK.finditer(value)]
            if not point.links:
                raise MapParseError(line.number, "expected links written as `[Name](target)`")
        elif LABEL_OWNER.search(label):
            point.owner_team = value[:120]
        elif LABEL_PROTOCOL.search(label) and not point.protocol:
            point.protocol = value
        else:
            point.extra_fields.append([label, value])

    # -- pass 3: phases and KPIs --------------------------------------------------------------
    def _phases(self, headings: list[_Heading], points: list[ParsedPoint]) -> list[ParsedPhase]:
        by_code = {p.code: p for p in points}
        by_title = {_key(p.title): p for p in points}
        phases: dict[int, ParsedPhase] = {}
        for h in headings:
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
                raise MapParseError(
                    h.line, f"expected a week range a-b with 1 ≤ a ≤ b, got {a}-{b}"
                )
            number = int(m.group("number"))
            if number in phases:
                raise MapParseError(
                    h.line, f"phase {number} is defined twice (first at line {phases[number].line})"
                )
            name = rest[: weeks.start()] + " " + rest[weeks.end() :]
            name = _strip_inline(_clean(name).strip(" :–—-")) or f"Phase {number}"
            phase = ParsedPhase(number, name[:300], a, b, h.line)
            phases[number] = phase
            for line in h.body:
                item = LIST_ITEM.match(line.text)
                if not item or item.group("indent"):
                    continue
                text = _clean(item.group("body"))
                point = self._phase_point(text, by_code, by_title, line.number)
                if point.phase is not None and point.phase != number:
                    raise MapParseError(
                        line.number,
                        f"point {point.code} is already in phase {point.phase}; "
                        "a point belongs to one phase",
                    )
                point.phase = number
                if point.code not in phase.codes:
                    phase.codes.append(point.code)
        return sorted(phases.values(), key=lambda p: p.number)

    @staticmethod
    def _phase_point(text, by_code, by_title, line_number) -> ParsedPoint:
        refs = [m["code"] for m in CODE_REF.finditer(text)]
        for code in reversed(refs):  # "(Integration Point 1.1.1)" comes last
            if code in by_code:
                return by_code[code]
        if refs:
            raise MapParseError(
                line_number, f"expected a point defined in this document; {refs[-1]} is not one"
            )
        title = _key(re.sub(r"\([^)]*\)\s*$", "", text))
        if title in by_title:
            return by_title[title]
        raise MapParseError(
            line_number,
            f"expected the phase item to name a point by code, e.g. `(Integration Point 1.1.1)`, "
            f"or by its title; {text!r} matches none",
        )

    def _kpis(self, headings: list[_Heading]) -> list[ParsedKpi]:
        kpis: list[ParsedKpi] = []
        names: set[str] = set()
        for h in headings:
            if not KPI_HEADING.search(h.text) or self._has_checklist(h.body):
                continue
            for line in h.body:
                item = LIST_ITEM.match(line.text)
                if not item or item.group("indent"):
                    continue
                body = item.group("body").strip()
                m = re.match(
                    r"^(?:\*\*|__)?(?P<name>[^:*_]+?)(?:\*\*|__)?[ \t]*:"
                    r"(?:\*\*|__)?[ \t]*(?P<target>.+)$",
                    body,
                )
                if not m:
                    continue
                name, target = _clean(m["name"])[:300], _clean(m["target"])[:300]
                number = NUMBER.search(target)
                if not number:
                    continue
                if _key(name) in names:
                    self.warnings.append(
                        f"line {line.number}: KPI {name!r} appears again; kept the first"
                    )
                    continue
                names.add(_key(name))
                value, unit = _number(number)
                kpis.append(ParsedKpi(h.text, name, target, value, unit, line.number))
        return kpis


# --- helpers -----------------------------------------------------------------------------------


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _item(body: str, line_number: int) -> tuple[str, bool | None]:
    body = body.strip()
    box = CHECKBOX.match(body)
    if box is None:
        return _clean(body), None
    mark = box.group("mark")
    if mark not in ("", " ", "x", "X", "✓", "✔"):
        raise MapParseError(line_number, f"expected a checkbox `[ ]` or `[x]`, got `[{mark}]`")
    return _clean(box.group("text")), mark not in ("", " ")


def _split_code(text: str) -> tuple[str, str]:
    m = NUMBERED.match(text)
    if m:
        return m.group("code"), _strip_inline(m.group("title"))[:300]
    return "", text[:300]


def _slug_code(text: str, taken: set[str]) -> str:
    base = (slugify(text) or "point")[: MAX_CODE - 4]
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def derived_code(title: str) -> str:
    """The code a checklist heading gets when it names none (used by the exporter)."""
    return (slugify(title) or "point")[: MAX_CODE - 4]


def _key(text: str) -> str:
    return _clean(text).casefold()


def _number(m: re.Match) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(m["num"].replace(",", "."))
    except InvalidOperation:
        return None, ""
    unit = m["unit"] or m["prefix"] or ""
    return value, unit
