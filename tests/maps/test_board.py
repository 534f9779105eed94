"""The board: derived status, phase due dates and overdue flags, filters, constant queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.maps import selectors, services
from integrations.models import AcceptanceCriterion, PointStatus

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


# --- Phases collapse: open while a criterion is unverified, the state in the summary line -------

PHASE_TAG = re.compile(
    r'<details class="card phase[^"]*" id="([^"]+)" data-testid="phase"( open)?>'
)


def _phases_open(html) -> dict[str, bool]:
    return {anchor: bool(is_open) for anchor, is_open in PHASE_TAG.findall(html)}


def _verify_phase(imap, number, admin, verifier):
    for crit in AcceptanceCriterion.objects.filter(point__map=imap, point__phase__number=number):
        services.criterion_tick(criterion=crit, actor=admin, evidence_note="x")
        services.criterion_verify(criterion=crit, actor=verifier)


def test_a_verified_phase_is_collapsed_and_its_summary_says_where_it_stands(
    client_for, cs_rep, portal_admin, portal_admin_colleague
):
    # Both phases ended (weeks 1-4 of a cycle that started ten weeks ago).
    ten_weeks_ago = timezone.localdate() - datetime.timedelta(weeks=10)
    imap, _ = import_text(SMALL, cycle_start=ten_weeks_ago)
    _verify_phase(imap, 1, portal_admin, portal_admin_colleague)
    client = client_for(cs_rep)
    html = _board(client, imap).content.decode()
    assert _phases_open(html) == {"phase-1": False, "phase-2": True}
    summaries = re.findall(r"<summary.*?</summary>", html, flags=re.S)
    assert len(summaries) == 2
    # A collapsed phase still says its state and progress; an open one too.
    assert "All verified" in summaries[0] and "2/2 done · 2/2 verified" in summaries[0]
    assert "Overdue" in summaries[1] and "0/2 done · 0/2 verified" in summaries[1]
    assert "1 point" in summaries[1]
    # The timeline links to each phase's anchor (the page opens the phase the URL names), and
    # a point's page links back to its phase.
    assert 'href="#phase-1"' in html and 'href="#phase-2"' in html
    point_page = client.get(imap.points.get(code="1.1.1").get_absolute_url()).content.decode()
    assert f'href="{imap.get_absolute_url()}#phase-1"' in point_page
    # A filtered board shows every phase open: the matches are what the reader asked for.
    assert set(_phases_open(_board(client, imap, "?q=1.1").content.decode()).values()) == {True}
    # Ticked but not verified: open, and said so.
    point = imap.points.get(code="1.1.2")
    for crit in point.criteria.all():
        services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="x")
    html = _board(client, imap).content.decode()
    assert _phases_open(html)["phase-2"] is True
    assert "Done, not verified" in html


def test_points_in_no_phase_have_their_own_anchor(client_for, cs_rep):
    imap, _ = import_seed(SEED_000, cycle_start=MONDAY)
    html = _board(client_for(cs_rep), imap).content.decode()
    opened = _phases_open(html)
    assert list(opened) == ["phase-1", "phase-2", "phase-3", "phase-4", "phase-none"]
    assert all(opened.values())  # nothing verified yet


@pytest.mark.parametrize("seed", ["small", "seed"])
def test_collapsed_board_query_count_is_constant(
    client_for, portal_admin, portal_admin_colleague, django_assert_num_queries, seed
):
    if seed == "small":
        imap, _ = import_text(SMALL, cycle_start=MONDAY)
    else:
        imap, _ = import_seed(SEED_000, cycle_start=MONDAY)
    _verify_phase(imap, 1, portal_admin, portal_admin_colleague)
    client = client_for(portal_admin)
    client.get(imap.get_absolute_url())  # warm the session and permission caches
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(imap.get_absolute_url())
    opened = _phases_open(response.content.decode())
    assert opened["phase-1"] is False and opened["phase-2"] is True


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
