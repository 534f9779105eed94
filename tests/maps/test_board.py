"""The board: derived status, phase due dates and overdue flags, filters, constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.maps import selectors, services
from integrations.models import PointStatus

from .factories import SEED_000, SMALL, import_seed, import_text

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 1, 5)


def _statuses(imap, today):
    return {p.code: p.status for p in selectors.points_with_progress(imap, today=today)}


def test_phase_dates_follow_the_cycle_start():
    imap, _ = import_text(SMALL, cycle_start=MONDAY)
    phase1, phase2 = imap.phases.all()
    assert (phase1.starts_on(MONDAY), phase1.due_on(MONDAY)) == (MONDAY, datetime.date(2026, 1, 18))
    assert (phase2.starts_on(MONDAY), phase2.due_on(MONDAY)) == (
        datetime.date(2026, 1, 19),
        datetime.date(2026, 2, 1),
    )


def test_status_is_derived(portal_admin, portal_admin_colleague):
    imap, _ = import_text(SMALL, cycle_start=MONDAY)
    on_time = datetime.date(2026, 1, 18)  # the last day of phase 1
    assert _statuses(imap, on_time) == {"1.1.1": "not_started", "1.1.2": "not_started"}
    assert _statuses(imap, on_time + datetime.timedelta(days=1))["1.1.1"] == "overdue"

    a, b = imap.points.get(code="1.1.1").criteria.all()
    services.criterion_tick(criterion=a, actor=portal_admin, evidence_note="ok")
    assert _statuses(imap, on_time)["1.1.1"] == PointStatus.IN_PROGRESS
    late = datetime.date(2026, 3, 1)
    point = selectors.points_with_progress(imap, today=late).get(code="1.1.1")
    assert (point.status, point.is_overdue) == ("overdue", True)

    services.criterion_tick(criterion=b, actor=portal_admin, evidence_note="ok")
    point = selectors.points_with_progress(imap, today=late).get(code="1.1.1")
    assert (point.status, point.is_overdue) == ("done", False)  # done is never overdue
    for crit in (a, b):
        services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    assert _statuses(imap, late)["1.1.1"] == "verified"


def test_no_cycle_start_means_nothing_is_overdue():
    imap, _ = import_text(SMALL)
    assert set(_statuses(imap, datetime.date(2030, 1, 1)).values()) == {"not_started"}


def test_board_groups_by_phase_then_section_with_progress(portal_admin):
    imap, _ = import_seed(SEED_000, cycle_start=MONDAY)
    crit = imap.points.get(code="1.1.1").criteria.first()
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="ok")
    phases, total = selectors.board(
        imap, selectors.points_with_progress(imap, today=MONDAY), today=MONDAY
    )
    assert [str(b.phase) if b.phase else None for b in phases] == [
        "Phase 1: Development-Product Foundation",
        "Phase 2: Product Excellence",
        "Phase 3: Adoption Coordination",
        "Phase 4: Performance Integration",
        None,
    ]
    assert [s.section.title for s in phases[1].sections] == [
        "Product Development Coordination Excellence",
        "Developer Feedback Integration",
    ]
    assert (phases[0].progress.done, phases[0].progress.total) == (1, 16)
    assert phases[0].sections[0].points[0].progress.done == 1
    assert (total.done, total.total, total.verified) == (1, 92, 0)
    assert phases[4].points_count == 7


def _board(client, imap, query=""):
    return client.get(f"{imap.get_absolute_url()}{query}")


def test_board_filters(client_for, cs_rep, portal_admin):
    imap, _ = import_seed(SEED_000, cycle_start=timezone.localdate() - datetime.timedelta(weeks=3))
    services.criterion_tick(
        criterion=imap.points.get(code="1.2.2").criteria.first(),
        actor=portal_admin,
        evidence_note="x",
    )
    services.point_set_owner_team(
        point=imap.points.get(code="2.1.1"), actor=portal_admin, owner_team="Data"
    )
    client = client_for(cs_rep)

    def codes(query):
        response = _board(client, imap, query)
        assert response.status_code == 200
        return [p.code for b in response.context["phases"] for s in b.sections for p in s.points]

    phase2 = imap.phases.get(number=2)
    assert codes(f"?phase={phase2.pk}") == ["1.2.2", "1.2.3", "2.1.1", "2.1.2"]
    section = imap.sections.get(title="Developer Feedback Integration")
    assert len(codes(f"?section={section.pk}")) == 6
    assert codes("?owner_team=Data") == ["2.1.1"]
    assert codes("?status=in_progress") == ["1.2.2"]
    assert codes("?overdue=on") == ["1.1.1", "1.1.2", "1.1.3", "1.2.1"]
    assert codes("?status=overdue") == ["1.1.1", "1.1.2", "1.1.3", "1.2.1"]
    assert codes("?q=2.2") == ["2.2.1", "2.2.2", "2.2.3"]
    imap.points.filter(code="4.2.2").update(archived=True)
    assert "4.2.2" not in codes("")
    assert "4.2.2" in codes("?archived=on")


def test_board_htmx_returns_the_board_fragment(client_for, cs_rep):
    imap, _ = import_text(SMALL)
    response = client_for(cs_rep).get(
        imap.get_absolute_url() + "?status=not_started",
        headers={"HX-Request": "true", "HX-Target": "board"},
    )
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="point"' in html


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_board_query_count_is_constant(
    client_for, portal_admin, portal_admin_colleague, django_assert_num_queries
):
    client = client_for(portal_admin)
    small, _ = import_text(SMALL, cycle_start=MONDAY)
    big, _ = import_seed(SEED_000, cycle_start=MONDAY)
    for crit in big.points.get(code="1.1.1").criteria.all()[:2]:
        services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="x")
    big.kpis.update(measured_value=50, measured_by=portal_admin_colleague)
    client.get(small.get_absolute_url())  # warm the session and permission caches
    expected = _count_queries(client, small.get_absolute_url())
    assert _count_queries(client, big.get_absolute_url()) == expected
    with django_assert_num_queries(BOARD_QUERIES):
        client.get(big.get_absolute_url() + "?status=in_progress&overdue=on")


def test_map_list_query_count_is_constant(client_for, portal_admin, django_assert_num_queries):
    client = client_for(portal_admin)
    import_text(SMALL)
    client.get("/integrations/maps/")
    expected = _count_queries(client, "/integrations/maps/")
    import_seed(SEED_000)
    import_text(SMALL.replace("Small map", "Another map"))
    assert _count_queries(client, "/integrations/maps/") == expected
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/integrations/maps/")
    assert len(response.context["maps"]) == 3


def test_map_list_progress(client_for, cs_rep, portal_admin):
    imap, _ = import_text(SMALL)
    services.criterion_tick(
        criterion=imap.points.first().criteria.first(), actor=portal_admin, evidence_note="x"
    )
    html = client_for(cs_rep).get("/integrations/maps/").content.decode()
    assert "1/4 done · 0/4 verified" in html
    assert "Import a map" not in html  # readers do not import


BOARD_QUERIES = 12
LIST_QUERIES = 7


def test_point_page_query_count_is_constant(client_for, portal_admin, portal_admin_colleague):
    imap, _ = import_seed(SEED_000, cycle_start=MONDAY)
    client = client_for(portal_admin)
    quiet, busy = imap.points.get(code="4.2.2"), imap.points.get(code="1.1.1")
    for crit in busy.criteria.all():
        services.criterion_tick(
            criterion=crit, actor=portal_admin, evidence_url="https://ci.test/1"
        )
        services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    services.point_set_owner_team(point=busy, actor=portal_admin, owner_team="Platform")
    client.get(quiet.get_absolute_url())
    expected = _count_queries(client, quiet.get_absolute_url())
    assert _count_queries(client, busy.get_absolute_url()) == expected
