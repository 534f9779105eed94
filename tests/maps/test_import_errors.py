"""Malformed documents: an error naming the line and what was expected; nothing written."""

import pytest

from integrations.maps.parser import MapParseError
from integrations.models import AcceptanceCriterion, IntegrationMap, IntegrationPoint

from .factories import SMALL, import_text

pytestmark = pytest.mark.django_db


def _line_of(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


CASES = [
    ("empty", "", 1, "the file is empty"),
    ("unclosed front matter", "---\ntitle: x\n# Heading\n", 1, "never closed"),
    ("bad front matter", "---\ntitle: x\n!!!\n---\n# T\n", 3, "expected `key: value`"),
    ("no title", "## Only sections\n\n- [ ] a\n\n## Another\n", 1, "expected a title"),
    ("no points", "# Title\n\n## Section\n\nJust prose.\n", 5, "at least one integration point"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_structural_errors(name, text, line, message):
    with pytest.raises(MapParseError) as caught:
        import_text(text)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert not IntegrationMap.objects.exists()


def _broken(old: str, new: str):
    text = SMALL.replace(old, new)
    return text, _line_of(text, new.split("\n")[0])


BROKEN = [
    (
        "flow without arrow",
        "**Integration Flow**: CRM ↔ Portal",
        "**Integration Flow**: CRM to Portal",
        "expected the integration flow as `From ↔ To`",
    ),
    (
        "bad checkbox",
        "- Accounts imported",
        "- [?] Accounts imported",
        "expected a checkbox `[ ]` or `[x]`",
    ),
    ("criteria label without list", "- Scores computed\n- Bands shown\n", "\n", None),
    (
        "phase without weeks",
        "#### Phase 2: Insight (Weeks 3-4)",
        "#### Phase 2: Insight",
        "(Weeks a-b)",
    ),
    (
        "backwards weeks",
        "#### Phase 2: Insight (Weeks 3-4)",
        "#### Phase 2: Insight (Weeks 4-3)",
        "1 ≤ a ≤ b",
    ),
    (
        "unknown point in phase",
        "- Health scores (Integration Point 1.1.2)",
        "- Health scores (Integration Point 9.9.9)",
        "9.9.9 is not one",
    ),
    (
        "duplicate code",
        "#### Integration Point 1.1.2: Health scores",
        "#### Integration Point 1.1.1: Health scores",
        "defined twice (first at line 12)",
    ),
    (
        "links without links",
        "[CS Framework](/docs/cs) + [Data Framework](/docs/data)",
        "[CS Framework](/docs/cs) + [Data Framework]",
        None,
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), BROKEN, ids=[c[0] for c in BROKEN])
def test_block_errors_name_the_line_and_write_nothing(name, old, new, message):
    if name == "criteria label without list":
        text = SMALL.replace(old, new)
        line = 28  # the second point's **Acceptance Criteria**: label
        message = "expected a list of criteria"
        assert text.split("\n")[line - 1] == "**Acceptance Criteria**:"
    elif name == "links without links":
        text = SMALL.replace(old, new)
        imap, _ = import_text(text)  # one link is still a link: fine
        assert list(imap.points.get(code="1.1.1").links.values_list("name", flat=True)) == [
            "CS Framework"
        ]
        return
    else:
        text, line = _broken(old, new)
    with pytest.raises(MapParseError) as caught:
        import_text(text)
    assert caught.value.line == line, str(caught.value)
    assert message in caught.value.message
    assert not IntegrationPoint.objects.exists()


def test_not_utf8():
    with pytest.raises(MapParseError) as caught:
        import_text("# Titel\n\n## Ä\n".encode("latin-1"))
    assert caught.value.line == 3 and "UTF-8" in caught.value.message


def test_a_broken_reimport_leaves_the_map_as_it_was(portal_admin):
    imap, _ = import_text(SMALL)
    crit = AcceptanceCriterion.objects.filter(point__map=imap).first()
    broken = SMALL.replace("**Integration Flow**: CRM ↔ Portal", "**Integration Flow**: CRM")
    with pytest.raises(MapParseError):
        import_text(broken.replace("Accounts imported", "Accounts fully imported"))
    crit.refresh_from_db()
    assert crit.text == "Accounts imported"
    assert imap.points.count() == 2
