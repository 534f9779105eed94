"""The line patterns of the format and the small text helpers every block reader shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify

from .types import MapParseError

MAX_CODE = 80

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
KPI_ITEM = re.compile(
    r"^(?:\*\*|__)?(?P<name>[^:*_]+?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(?P<target>.+)$"
)

KPI_HEADING = re.compile(
    r"\b(kpis?|key performance indicators?|success validation|success metrics|targets?)\b", re.I
)
LABEL_CRITERIA = re.compile(r"criteri|checklist|definition of done|done when", re.I)
LABEL_FLOW = re.compile(r"\bflow\b", re.I)
LABEL_PROTOCOL = re.compile(r"protocol|coordination", re.I)
LABEL_OWNER = re.compile(r"\bowner", re.I)
LABEL_LINKS = re.compile(r"framework|\blinks?\b|references?", re.I)


@dataclass
class Line:
    number: int
    text: str


@dataclass
class Heading:
    level: int
    text: str
    line: int
    body: list[Line] = field(default_factory=list)
    index: int = 0


def clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def strip_inline(text: str) -> str:
    """Drop emphasis markers around a whole heading or item (``**Foo**`` → ``Foo``)."""
    text = clean(text)
    m = re.fullmatch(r"(\*\*|__|\*|_)(.+)\1", text)
    return m.group(2).strip() if m else text


def unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def list_item(body: str, line_number: int) -> tuple[str, bool | None]:
    """A list item's text and its checkbox state (``None`` when it has no checkbox)."""
    body = body.strip()
    box = CHECKBOX.match(body)
    if box is None:
        return clean(body), None
    mark = box.group("mark")
    if mark not in ("", " ", "x", "X", "✓", "✔"):
        raise MapParseError(line_number, f"expected a checkbox `[ ]` or `[x]`, got `[{mark}]`")
    return clean(box.group("text")), mark not in ("", " ")


def has_checklist(body: list[Line]) -> bool:
    for line in body:
        m = LIST_ITEM.match(line.text)
        if m and CHECKBOX.match(m.group("body").strip()):
            return True
    return False


def split_code(text: str) -> tuple[str, str]:
    m = NUMBERED.match(text)
    if m:
        return m.group("code"), strip_inline(m.group("title"))[:300]
    return "", text[:300]


def slug_code(text: str, taken: set[str]) -> str:
    base = derived_code(text)
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def derived_code(title: str) -> str:
    """The code a checklist heading gets when it names none (used by the exporter)."""
    return (slugify(title) or "point")[: MAX_CODE - 4]


def key(text: str) -> str:
    return clean(text).casefold()


def number(m: re.Match) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(m["num"].replace(",", "."))
    except InvalidOperation:
        return None, ""
    unit = m["unit"] or m["prefix"] or ""
    return value, unit
