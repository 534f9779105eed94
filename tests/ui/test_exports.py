"""CSV on every list (through portal/csvexport.py, one escaping rule) and the filter bar on the
betas, launches and sync-runs lists; the demo data agrees with itself."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from integrations.models import RunStatus, SyncRun
from roadmap.launches import services as launches
from tests.connectors.factories import ConnectionFactory
from tests.roadmap.factories import BetaProgramFactory, LaunchableItemFactory, VoteFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_my_votes_csv(client_for, cs_rep):
    VoteFactory(rep=cs_rep, evidence="=cmd|' /C calc'!A0")
    VoteFactory()  # someone else's
    rows = _csv(client_for(cs_rep).get(reverse("roadmap:my-votes"), {"export": "csv"}))
    assert rows[0][0] == "Item" and len(rows) == 2
    assert rows[1][5].startswith("'=")  # the formula rule


def test_beta_programs_list_filters_and_exports(client_for, pm):
    BetaProgramFactory(name="Open beta", status="open")
    BetaProgramFactory(name="Done beta", status="completed")
    client = client_for(pm)
    html = client.get(reverse("roadmap:beta-list"), {"status": "open"}).content.decode()
    assert "Status: Open" in html and "1 program" in html and "Done beta" not in html
    rows = _csv(client.get(reverse("roadmap:beta-list"), {"status": "open", "export": "csv"}))
    assert [r[0] for r in rows[1:]] == ["Open beta"]


def test_beta_candidates_and_participants_csv(client_for, pm, account):
    program = BetaProgramFactory()
    url = program.get_absolute_url()
    rows = _csv(client_for(pm).get(url, {"export": "candidates"}))
    assert rows[0][:2] == ["Rank", "Account"]
    assert account.name in [r[1] for r in rows[1:]]
    rows = _csv(client_for(pm).get(url, {"export": "participants"}))
    assert rows[0][0] == "Account" and len(rows) == 1


def test_launches_filter_by_date_and_export(client_for, pm):
    soon = launches.launch_plan_create(
        item=LaunchableItemFactory(title="Soon", launch_date=dt.date(2030, 6, 1)), actor=pm
    )
    launches.launch_plan_create(
        item=LaunchableItemFactory(title="Later", launch_date=dt.date(2031, 6, 1)), actor=pm
    )
    client = client_for(pm)
    query = {"launch_after": "2030-01-01", "launch_before": "2030-12-31"}
    html = client.get(reverse("roadmap:launch-calendar"), query).content.decode()
    assert "1 launch" in html and "Launch from 2030-01-01" in html and "Later" not in html
    rows = _csv(client.get(reverse("roadmap:launch-calendar"), {**query, "export": "csv"}))
    assert [r[1] for r in rows[1:]] == ["Soon"] and rows[1][-1] == soon.get_absolute_url()


def test_sync_runs_filter_paginate_and_export(client_for, portal_admin):
    connection = ConnectionFactory(name="CRM")
    other = ConnectionFactory(name="Jira", kind="jira")
    for _ in range(25):
        SyncRun.objects.create(connection=connection, status=RunStatus.SUCCEEDED)
    SyncRun.objects.create(connection=other, status=RunStatus.FAILED, error="HTTP 429")
    client = client_for(portal_admin)
    sync = reverse("integrations:sync")
    html = client.get(sync).content.decode()
    assert "26 runs" in html and "Page 1 of 2" in html
    html = client.get(sync, {"status": "failed"}).content.decode()
    assert "1 run" in html and "Status: Failed" in html
    rows = _csv(client.get(sync, {"status": "failed", "export": "runs"}))
    assert len(rows) == 2 and rows[1][1] == "Jira" and rows[1][-1] == "HTTP 429"


def test_demo_tickets_name_their_own_account_and_link_items_on_topic():
    from feedback.demo import THEME_ITEMS, THEMES
    from feedback.models import FeedbackTicket

    call_command("seed_demo", verbosity=0)
    themes = {title: index for index, (title, *_rest) in enumerate(THEMES)}
    named = linked = 0
    for ticket in FeedbackTicket.objects.select_related("account", "roadmap_item"):
        if ticket.title.endswith(")") and " (" in ticket.title:
            base, _, name = ticket.title[:-1].rpartition(" (")
            assert name == ticket.account.name, ticket.title
            named += 1
            if ticket.roadmap_item is not None:
                assert ticket.roadmap_item.title == THEME_ITEMS[themes[base]], ticket.title
                linked += 1
    assert named >= 20 and linked >= 5


def test_item_voters_collapse_after_five_and_export(client_for, pm):
    from tests.roadmap.factories import RoadmapItemFactory

    item = RoadmapItemFactory()
    for _ in range(7):
        VoteFactory(item=item)
    client = client_for(pm)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="more-voters"' in html and "Show the other 2 voters" in html
    rows = _csv(client.get(item.get_absolute_url(), {"export": "votes"}))
    assert rows[0][0] == "Account" and len(rows) == 8
