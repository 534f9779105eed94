"""Re-import: in place by code, report added/changed/removed, ticks kept, archived removals."""

import pytest

from integrations.maps import services
from integrations.models import AcceptanceCriterion, IntegrationMap, IntegrationPoint

from .factories import SEED_000, SMALL, import_seed, import_text

pytestmark = pytest.mark.django_db


def _tick(point, position, actor, note="checked"):
    crit = point.criteria.get(position=position)
    return services.criterion_tick(criterion=crit, actor=actor, evidence_note=note)


def test_reimport_keeps_ticks_and_reports_changes(portal_admin, portal_admin_colleague):
    imap, _ = import_text(SMALL)
    p1 = imap.points.get(code="1.1.1")
    ticked = _tick(p1, 0, portal_admin, "CRM export compared")
    services.criterion_verify(criterion=ticked, actor=portal_admin_colleague)
    p2 = imap.points.get(code="1.1.2")
    _tick(p2, 1, portal_admin)

    newer = (
        SMALL.replace(
            "**Integration Flow**: CRM ↔ Portal", "**Integration Flow**: HubSpot ↔ Portal"
        )
        .replace("- Owners mapped", "- Owners mapped to CSMs\n- Duplicates merged")
        .replace("- Scores computed\n", "")
        + "\n## Extra\n\n#### Integration Point 3.1.1: New thing\n\n- [ ] Works\n"
    )
    again, report = import_text(newer, name="v2.md", actor=portal_admin)
    assert again.pk == imap.pk
    assert report.points_added == ["3.1.1"]
    changed = {c["code"]: c["changes"] for c in report.points_changed}
    assert changed == {
        "1.1.1": ["flow", "1 criteria added", "1 criteria reworded"],
        "1.1.2": ["1 criteria removed"],
    }
    assert report.criteria_removed == 1 and report.criteria_changed == 1
    assert report.ticks_kept == 2
    p1.refresh_from_db()
    assert (p1.flow_from, p1.flow_to) == ("HubSpot", "Portal")
    first = p1.criteria.get(position=0)
    assert (first.done_by, first.verified_by) == (portal_admin, portal_admin_colleague)
    assert first.evidence_note == "CRM export compared"
    # "Owners mapped" became "Owners mapped to CSMs" in the same place: same row, reworded.
    texts = list(p1.criteria.values_list("text", flat=True))
    assert texts == ["Accounts imported", "Owners mapped to CSMs", "Duplicates merged"]
    # Point 1.1.2 lost "Scores computed"; "Bands shown" (ticked) is kept, now first.
    remaining = p2.criteria.get()
    assert remaining.text == "Bands shown" and remaining.done_by == portal_admin


def test_removed_points_are_archived_with_their_progress_and_restored(portal_admin):
    imap, _ = import_text(SMALL)
    p2 = imap.points.get(code="1.1.2")
    _tick(p2, 0, portal_admin)
    start = SMALL.index("#### Integration Point 1.1.2")
    end = SMALL.index("## Timeline")
    without = SMALL[:start] + SMALL[end:].replace("- Health scores (Integration Point 1.1.2)\n", "")
    _, report = import_text(without)
    assert report.points_removed == ["1.1.2"]
    p2.refresh_from_db()
    assert p2.archived and p2.criteria.filter(done_by=portal_admin).count() == 1
    assert p2.history.first().history_change_reason.startswith("Archived")
    _, report = import_text(SMALL)
    assert report.points_restored == ["1.1.2"]
    p2.refresh_from_db()
    assert not p2.archived and p2.criteria.filter(done_by=portal_admin).count() == 1


def test_dry_run_reports_and_writes_nothing(portal_admin):
    imap, _ = import_seed(SEED_000)
    crit = AcceptanceCriterion.objects.filter(point__map=imap).first()
    changed = SEED_000.read_text().replace(
        "- Technical requirements coordination framework established",
        "- [x] Technical requirements coordination framework established",
    )
    before = (IntegrationPoint.history.count(), AcceptanceCriterion.history.count())
    _, report = import_text(changed, name="seed.md", dry_run=True, actor=portal_admin)
    assert report.dry_run and report.ticks_imported == 1
    crit.refresh_from_db()
    assert not crit.is_done
    assert (IntegrationPoint.history.count(), AcceptanceCriterion.history.count()) == before


def test_dry_run_of_a_new_map_leaves_no_map():
    _, report = import_text(SMALL, dry_run=True)
    assert report.created and report.map_id is None
    assert not IntegrationMap.objects.exists()


def test_reimporting_the_same_seed_changes_nothing():
    import_seed(SEED_000)
    _, report = import_seed(SEED_000)
    assert not report.has_changes
    assert report.lines()[-1] == "Nothing changes."


def test_headings_left_without_points_are_dropped():
    imap, _ = import_text(SMALL)
    renamed = SMALL.replace("## Onboarding", "## Setup").replace("### 1.1 Accounts", "### 1.1 Data")
    import_text(renamed)
    assert list(imap.sections.values_list("title", flat=True)) == ["Setup"]
    assert [g.title for g in imap.sections.get().groups.all()] == ["Data"]
    assert imap.points.get(code="1.1.1").group.title == "Data"


def test_owner_team_set_in_the_portal_survives_reimport(portal_admin):
    imap, _ = import_text(SMALL)
    point = imap.points.get(code="1.1.1")
    services.point_set_owner_team(point=point, actor=portal_admin, owner_team="Data team")
    import_text(SMALL)
    point.refresh_from_db()
    assert point.owner_team == "Data team"
