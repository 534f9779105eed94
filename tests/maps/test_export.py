"""Export: Markdown in the import format (round trip gives the same map) and CSV."""

import csv
import io

import pytest

from integrations.maps import services
from integrations.maps.exporter import map_to_csv, map_to_markdown
from integrations.models import IntegrationMap

from .factories import SEED_000, SEED_001, SMALL, import_seed, import_text

pytestmark = pytest.mark.django_db


def snapshot(imap: IntegrationMap) -> dict:
    """Everything the document defines, as plain data (ids and progress metadata left out)."""
    return {
        "title": imap.title,
        "metadata": imap.metadata,
        "properties": imap.properties,
        "phases": list(imap.phases.values_list("number", "name", "week_start", "week_end")),
        "kpis": list(imap.kpis.values_list("heading", "name", "target", "target_value", "unit")),
        "points": [
            {
                "code": p.code,
                "title": p.title,
                "section": (p.section.code, p.section.title) if p.section else None,
                "group": (p.group.code, p.group.title) if p.group else None,
                "phase": p.phase.number if p.phase else None,
                "flow": (p.flow_from, p.flow_to),
                "protocol": p.protocol,
                "owner_team": p.owner_team,
                "extra": p.extra_fields,
                "criteria": [(c.text, c.is_done) for c in p.criteria.all()],
                "links": list(p.links.values_list("name", "target")),
            }
            for p in imap.points.filter(archived=False).select_related("section", "group", "phase")
        ],
    }


@pytest.mark.parametrize("seed", [SEED_000, SEED_001], ids=["000", "001"])
def test_round_trip_gives_the_same_map(seed, portal_admin):
    imap, _ = import_seed(seed)
    point = imap.points.order_by("position")[1]
    services.criterion_tick(
        criterion=point.criteria.first(), actor=portal_admin, evidence_url="https://x.test/1"
    )
    services.point_set_owner_team(point=point, actor=portal_admin, owner_team="Platform team")
    expected = snapshot(imap)
    exported = map_to_markdown(imap)
    assert "- [x] " in exported
    imap.delete()
    again, report = import_text(exported, name="export.md")
    assert snapshot(again) == expected
    assert report.ticks_imported == 1


def test_reimporting_the_export_into_the_same_map_changes_nothing(portal_admin):
    imap, _ = import_seed(SEED_000)
    services.criterion_tick(
        criterion=imap.points.first().criteria.first(), actor=portal_admin, evidence_note="ok"
    )
    _, report = import_text(map_to_markdown(imap), name="export.md")
    assert not report.has_changes, report.lines()
    assert report.ticks_kept == 1


def test_export_leaves_archived_points_out():
    imap, _ = import_text(SMALL)
    imap.points.filter(code="1.1.2").update(archived=True)
    exported = map_to_markdown(imap)
    assert "1.1.1" in exported and "Health scores" not in exported


def test_csv_has_one_row_per_criterion(portal_admin, portal_admin_colleague):
    imap, _ = import_text(SMALL)
    crit = imap.points.get(code="1.1.1").criteria.first()
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="=cmd|' /C calc'!A0")
    services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    rows = list(csv.DictReader(io.StringIO(map_to_csv(imap))))
    assert len(rows) == 4
    first = rows[0]
    assert (first["code"], first["criterion"], first["done"], first["done_by"]) == (
        "1.1.1",
        "Accounts imported",
        "yes",
        "admin_a",
    )
    assert first["verified_by"] == "admin_b" and first["phase"] == "Phase 1: Foundation"
    assert first["evidence_note"].startswith("'=")  # no spreadsheet formulas
    assert rows[1]["done"] == "no"


def test_export_views(client_for, cs_rep):
    imap, _ = import_text(SMALL)
    client = client_for(cs_rep)
    md = client.get(f"/integrations/maps/{imap.pk}/export.md")
    assert md.status_code == 200 and md["Content-Disposition"].endswith('small-map.md"')
    assert md.content.decode().startswith("---\n")
    response = client.get(f"/integrations/maps/{imap.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('small-map.csv"')
    assert b"".join(response.streaming_content).decode() == map_to_csv(imap)
