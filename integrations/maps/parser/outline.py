"""Pass 1: the document's outline — front matter, headings with the lines under each, title and
the ``**Label**: value`` properties under it. Nothing here knows about points."""

from __future__ import annotations

import re

from .tokens import (
    BOLD_LABEL,
    BOLD_LINE,
    EXPLICIT_POINT,
    FENCE,
    FIELD,
    HEADING,
    LIST_ITEM,
    RULE,
    SETEXT,
    Heading,
    Line,
    clean,
    strip_inline,
    unquote,
)
from .types import MapParseError


def front_matter(lines: list[str]) -> tuple[int, dict[str, str]]:
    """The ``---`` block at the top as ``key: value`` pairs, and the index of the line after it."""
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[first].strip() != "---":
        return first, {}
    metadata: dict[str, str] = {}
    last_key = None
    for i in range(first + 1, len(lines)):
        raw = lines[i]
        stripped = raw.strip()
        if stripped in ("---", "..."):
            return i + 1, metadata
        if not stripped or stripped.startswith("#"):
            continue
        m = re.match(r"^([\w][\w .-]*?)[ \t]*:[ \t]*(.*)$", raw)
        if m and not raw[:1].isspace():
            last_key = m.group(1).strip()
            metadata[last_key] = unquote(m.group(2))
        elif last_key and (raw[:1].isspace() or stripped.startswith("- ")):
            item = unquote(stripped.removeprefix("- "))
            joined = f"{metadata[last_key]}, {item}" if metadata[last_key] else item
            metadata[last_key] = joined
        else:
            raise MapParseError(
                i + 1, f"expected `key: value` in the front matter, got {stripped!r}"
            )
    raise MapParseError(first + 1, "the front matter opened with `---` is never closed by `---`")


def headings(lines: list[str], start: int) -> tuple[list[Heading], list[Line]]:
    """Every heading (``#``, setext, or a bold point line) with its body, and the lines before
    the first heading. Fenced code blocks are skipped."""
    found: list[Heading] = []
    preamble: list[Line] = []
    fence_line = None
    real_level = None  # the depth of the last `#` / setext heading
    for i in range(start, len(lines)):
        raw = lines[i]
        if FENCE.match(raw):
            fence_line = None if fence_line else i + 1
            continue
        if fence_line:
            continue
        m = HEADING.match(raw)
        if m:
            text = strip_inline(m.group(2) or "")
            if not text:
                raise MapParseError(i + 1, "expected heading text after the `#` marks")
            found.append(Heading(len(m.group(1)), text, i + 1, index=len(found)))
            real_level = len(m.group(1))
            continue
        bold = BOLD_LINE.match(raw)
        if bold and EXPLICIT_POINT.match(bold.group(1).strip()):
            # "**Integration Point 1.2.3: Title**" on its own line: a point heading one level
            # below the last real heading.
            level = min(6, (real_level or 0) + 1)
            found.append(Heading(level, clean(bold.group(1)), i + 1, index=len(found)))
            continue
        target = found[-1].body if found else preamble
        underline = SETEXT.match(raw)
        if underline and target and _setext_title(lines, target, i):
            title = target.pop()
            level = 1 if underline.group(1)[0] == "=" else 2
            found.append(Heading(level, strip_inline(title.text), title.number, index=len(found)))
            real_level = level
            continue
        target.append(Line(i + 1, raw))
    if fence_line:
        raise MapParseError(fence_line, "the code block opened here is never closed")
    return found, preamble


def _setext_title(lines: list[str], body: list[Line], i: int) -> bool:
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
    before = lines[i - 2] if i >= 2 else ""
    return not before.strip() or bool(HEADING.match(before))


def title(metadata: dict[str, str], found: list[Heading]) -> tuple[str, Heading | None]:
    """The map's title (front matter first, else the one top-level heading) and that heading."""
    top = min((h.level for h in found), default=None)
    title_heading = None
    if found and found[0].level == top and sum(h.level == top for h in found) == 1:
        title_heading = found[0]
    text = metadata.get("title") or (title_heading.text if title_heading else "")
    if not text:
        raise MapParseError(
            1, "expected a title: a `title:` in the front matter or a single `# Title` heading"
        )
    return clean(text)[:300], title_heading


def properties(body: list[Line]) -> list[list[str]]:
    """``**Label**: value`` lines under the title, as ``[label, value]`` pairs."""
    props = []
    for line in body:
        m = FIELD.match(line.text.strip())
        if m and m.group("value").strip():
            props.append([clean(m.group("label")), clean(m.group("value"))])
    return props
