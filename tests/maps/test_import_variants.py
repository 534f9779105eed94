"""Documents written by the tests: the importer reads shape, not one document's wording."""

import pytest

from integrations.maps.parser import parse_map
from integrations.models import IntegrationMap

from .factories import SMALL, import_text

pytestmark = pytest.mark.django_db


def _summary(parsed):
    return [
        (p.code, p.title, p.flow_from, p.flow_to, [(c.text, c.done) for c in p.criteria], p.phase)
        for p in parsed.points
    ]


def test_small_document():
    imap, report = import_text(SMALL)
    assert imap.title == "Small map"
    assert imap.metadata == {"title": "Small map", "owner": "CS ops"}
    assert report.totals == {"points": 2, "criteria": 4, "phases": 2, "kpis": 0}
    point = imap.points.get(code="1.1.1")
    assert point.phase.number == 1 and point.group.title == "Accounts"
    assert list(point.links.values_list("name", flat=True)) == ["CS Framework", "Data Framework"]


def test_crlf_extra_blank_lines_and_bom_read_the_same():
    variant = "\ufeff" + SMALL.replace("\n\n", "\n\n\n\n").replace("\n", "\r\n")
    assert _summary(parse_map(variant.encode("utf-8"))) == _summary(parse_map(SMALL))


def test_old_mac_line_endings_and_trailing_spaces():
    variant = "\r".join(line + "   " for line in SMALL.split("\n"))
    assert _summary(parse_map(variant)) == _summary(parse_map(SMALL))


def test_deeper_headings_and_other_wording():
    text = """\
# Partner Map

### Data

#### Inbound

##### Point A.1.2 — Ticket intake

__Integration flow:__ Support desk <-> Portal
**Owner:** Support tooling

###### Done when

1. Tickets arrive within 5 minutes
2. Attachments kept

##### 2.4.1 Escalations

* [x] Escalation path agreed
* [ ] Pager set up

### Plan

#### Phase 1 — Start (Week 1)

- Ticket intake
- (Point 2.4.1)
"""
    parsed = parse_map(text)
    assert _summary(parsed) == [
        (
            "A.1.2",
            "Ticket intake",
            "Support desk",
            "Portal",
            [("Tickets arrive within 5 minutes", False), ("Attachments kept", False)],
            1,
        ),
        (
            "2.4.1",
            "Escalations",
            "",
            "",
            [("Escalation path agreed", True), ("Pager set up", False)],
            1,
        ),
    ]
    assert parsed.points[0].owner_team == "Support tooling"
    assert parsed.points[0].section == ("", "Data") and parsed.points[0].group == ("", "Inbound")
    assert (parsed.phases[0].week_start, parsed.phases[0].week_end) == (1, 1)


def test_checked_boxes_are_imported_as_done():
    imap, report = import_text(
        SMALL.replace("- Accounts imported", "- [x] Accounts imported").replace(
            "- Owners mapped", "- [ ] Owners mapped"
        )
    )
    point = imap.points.get(code="1.1.1")
    first, second = point.criteria.all()
    assert first.is_done and first.evidence_note.startswith("Marked done in the imported document")
    assert not second.is_done
    assert report.ticks_imported == 1


def test_missing_sections_front_matter_and_phases():
    text = "# Bare\n\n### Point 7.1: Lonely point\n\n- [ ] One thing\n- [X] Another ✓ thing\n"
    imap, report = import_text(text)
    point = imap.points.get()
    assert (point.code, point.section, point.group, point.phase) == ("7.1", None, None, None)
    assert [c.is_done for c in point.criteria.all()] == [False, True]
    assert report.totals["phases"] == 0


def test_unicode_is_normalised():
    decomposed = "Cafe\u0301 ↔ Übersicht"
    text = SMALL.replace("CRM ↔ Portal", decomposed).replace("Account sync", "Kontö-Sync 🚀")
    imap, _ = import_text(text)
    point = imap.points.get(code="1.1.1")
    assert point.flow_from == "Café" and point.title == "Kontö-Sync 🚀"
    assert point.phase.number == 1  # matched by code, the title changed too


def test_checkbox_list_under_any_heading_with_nested_items_and_wrapping():
    text = """\
# Launch checklist

## Readiness

### Support

- [ ] Macros written
  - for billing and login
- [x] Staff trained
  on the new flow

Some closing words.
"""
    parsed = parse_map(text)
    point = parsed.points[0]
    assert (point.code, point.title) == ("support", "Support")
    assert [(c.text, c.done) for c in point.criteria] == [
        ("Macros written — for billing and login", False),
        ("Staff trained on the new flow", True),
    ]


def test_prose_headings_that_mention_points_are_not_points():
    text = SMALL.replace(
        "## Timeline", "## Touch point review: how we meet\n\nWeekly.\n\n## Timeline"
    )
    parsed = parse_map(text)
    assert [p.code for p in parsed.points] == ["1.1.1", "1.1.2"]


def test_same_title_updates_the_same_map():
    first, _ = import_text(SMALL)
    second, report = import_text(SMALL)
    assert first.pk == second.pk and IntegrationMap.objects.count() == 1
    assert not report.has_changes


def test_only_the_criteria_list_holds_criteria():
    text = """\
# Map

## Area

### Point 1.1.1: Something

**Risks**:

- Not a criterion

**Acceptance Criteria**:

- First
- Second

A paragraph closes the list.

- Not a criterion either

### Point 1.1.2: Plain bullets

- Direct one

**Dependencies**:

- Not this
"""
    first, second = parse_map(text).points
    assert [c.text for c in first.criteria] == ["First", "Second"]
    assert [c.text for c in second.criteria] == ["Direct one"]


def test_setext_headings_one_way_arrows_and_weeks_first():
    text = """\
Partner Map
===========

Inbound
-------

### Integration Point 1.1: Ticket intake

**Integration Flow**: Support desk → Portal

- [ ] Tickets arrive

### Phase 1 (Weeks 1 to 3): Start

- Ticket intake (Point 1.1)

Closing words
---
"""
    parsed = parse_map(text)
    assert parsed.title == "Partner Map"
    point = parsed.points[0]
    assert point.section == ("", "Inbound")
    assert (point.flow_from, point.flow_to) == ("Support desk", "Portal")
    phase = parsed.phases[0]
    assert (phase.name, phase.week_start, phase.week_end, phase.codes) == ("Start", 1, 3, ["1.1"])


def test_bold_lines_naming_a_point_act_as_point_headings():
    text = """\
# Map

## Area

**Integration Point 1.1: First**

**Integration Flow**: A ↔ B

- [ ] One

**Integration Point 1.2: Second**

- [x] Two
"""
    first, second = parse_map(text).points
    assert (first.code, first.title, first.flow_from, first.section) == (
        "1.1",
        "First",
        "A",
        ("", "Area"),
    )
    assert (second.code, [(c.text, c.done) for c in second.criteria]) == ("1.2", [("Two", True)])
