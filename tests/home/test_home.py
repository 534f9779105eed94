"""Home by role: each role sees its own panels (by permission), with what is true for the user;
each page a constant number of queries at two data sizes."""

import datetime as dt
import importlib

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from feedback.home import MINE_SHOWN, my_feedback_panel
from feedback.models import FeedbackTicket, TicketAccount
from feedback.services import ticket_join, ticket_link_item, ticket_set_status
from integrations.models import Connection, Delivery, SyncRun
from portal.models import OutboxEvent
from roadmap.models import BetaParticipant, LaunchPlan, RoadmapItem, ScoreSnapshot
from tests.factories import AccountFactory, CsRepFactory
from tests.feedback.factories import TicketFactory
from tests.kpis.data import vote
from tests.maps.factories import import_seed
from tests.roadmap.factories import BetaProgramFactory

REP_PANELS = ["panel-at-risk", "panel-my-feedback", "panel-my-items", "panel-beta-invitations"]
PM_PANELS = [
    "panel-triage",
    "panel-top-items",
    "panel-no-consensus",
    "panel-launches",
    "panel-betas",
]
ADMIN_PANELS = ["panel-checklist", "panel-sync", "panel-kpis-missing"]


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _shown(page: str) -> set[str]:
    return {p for p in REP_PANELS + PM_PANELS + ADMIN_PANELS if f'data-testid="{p}"' in page}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user_fixture", "panels"),
    [("cs_rep", REP_PANELS), ("pm", PM_PANELS), ("portal_admin", ADMIN_PANELS)],
)
def test_each_role_sees_only_its_panels(request, client_for, user_fixture, panels):
    user = request.getfixturevalue(user_fixture)
    page = _home(client_for(user))
    assert _shown(page) == set(panels)
    assert 'data-testid="panel-inbox"' in page
    # The old count tiles and the copy of the menu are gone.
    assert "managed by you" not in page and "What you can do here" not in page


def _rep_world(rep, colleague):
    now = timezone.now()
    mine = AccountFactory(name="Red Mine", csm_owner=rep, health_score=22, arr=250_000)
    theirs = AccountFactory(name="Red Theirs", csm_owner=colleague, health_score=15)
    item = RoadmapItem.objects.create(title="Bulk export", status="planned", rank=3)
    ticket = TicketFactory(account=mine, submitter=rep, title="Export all invoices")
    TicketFactory(account=theirs, submitter=colleague, title="Their secret ask")
    ticket_link_item(ticket=ticket, item=item, actor=colleague)
    shipped = RoadmapItem.objects.create(
        title="Audit log", status="shipped", shipped_at=now - dt.timedelta(days=2)
    )
    vote(shipped, mine, rep)
    vote(item, mine, rep)
    ScoreSnapshot.objects.create(item=item, recorded_at=now - dt.timedelta(days=8), score=1, rank=9)
    program = BetaProgramFactory(name="Export beta", item=item)
    BetaParticipant.objects.create(program=program, account=mine, state="invited")
    return ticket


@pytest.mark.django_db
def test_rep_home_shows_my_accounts_asks_changes_items_and_betas(
    client_for, cs_rep, cs_rep_colleague
):
    _rep_world(cs_rep, cs_rep_colleague)
    page = _home(client_for(cs_rep))
    assert "Red Mine" in page and "Red Theirs" not in page
    assert "Export all invoices" in page and "roadmap: planned, rank 3" in page
    assert "Their secret ask" not in page
    assert "Linked to roadmap item" in page  # the colleague's change since my last visit
    assert "Audit log" in page  # shipped, my account voted
    assert "up 6" in page  # Bulk export: rank 9 a week ago, 3 now
    assert "Export beta" in page and "invited" in page


@pytest.mark.django_db
def test_changes_are_those_since_the_last_visit(client_for, cs_rep, cs_rep_colleague, pm):
    ticket = _rep_world(cs_rep, cs_rep_colleague)
    client = client_for(cs_rep)
    _home(client)
    page = _home(client)
    assert "Linked to roadmap item" not in page  # seen on the first visit
    ticket_set_status(ticket=ticket, status="triaged", actor=pm)
    assert "Status new → triaged" in _home(client)


@pytest.mark.django_db
def test_pm_home_shows_queue_ranks_consensus_launches_betas(client_for, pm, cs_rep):
    now = timezone.now()
    account = AccountFactory(csm_owner=cs_rep)
    old = TicketFactory(account=account, submitter=cs_rep, title="Oldest in the queue")
    FeedbackTicket.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=9))
    TicketFactory(account=account, submitter=cs_rep, title="Newer one")
    top = RoadmapItem.objects.create(
        title="Top item",
        status="planned",
        rank=1,
        score_breakdown={
            "consensus": False,
            "demand": 4.2,
            "accounts": 2,
            "cs_reps": 1,
            "consensus_threshold": 3,
        },
        launch_date=timezone.localdate() + dt.timedelta(days=20),
    )
    ScoreSnapshot.objects.create(item=top, recorded_at=now - dt.timedelta(days=8), score=1, rank=4)
    LaunchPlan.objects.create(item=top)
    BetaProgramFactory(name="Running beta", status="running")
    page = _home(client_for(pm))
    assert "<strong>2</strong> new tickets waiting" in page
    assert page.index("Oldest in the queue") < page.index("Newer one")
    assert "Median time to triage" in page
    assert "Top item" in page and "up 3" in page
    assert "1 of 3 CS reps" in page  # demand without consensus
    assert "Running beta" in page and "no validations yet" in page
    assert 'data-testid="panel-launches"' in page and "Ready" in page


@pytest.mark.django_db
def test_admin_home_shows_checklists_sync_health_and_missing_kpis(client_for, portal_admin):
    import_seed(actor=portal_admin)
    stale = Connection.objects.create(name="CRM prod", kind="crm", interval_minutes=60)
    SyncRun.objects.create(
        connection=stale,
        status="succeeded",
        finished_at=timezone.now() - dt.timedelta(hours=5),
    )
    hook = Connection.objects.create(name="Hook", kind="webhook", base_url="https://x.example")
    event = OutboxEvent.objects.create(topic="vote_cast", payload={})
    Delivery.objects.create(connection=hook, event=event, topic="vote_cast", status="dead")
    page = _home(client_for(portal_admin))
    assert "Checklist progress" in page and " of " in page and "(0%)" in page
    assert "CRM prod" in page and "stale data" in page
    assert "1 dead letter" in page
    assert "Product Development Success Rate" in page  # a seed-000 KPI target with no value


def _counts(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        _home(client)
    return len(ctx.captured_queries)


def _grow(rep, colleague, n):
    for i in range(n):
        account = AccountFactory(csm_owner=rep, health_score=10 + i)
        item = RoadmapItem.objects.create(
            title=f"Grown {i}",
            status="planned",
            rank=100 + i,
            score_breakdown={
                "consensus": False,
                "demand": 1 + i,
                "accounts": 1,
                "cs_reps": 1,
                "consensus_threshold": 3,
            },
        )
        ticket = TicketFactory(account=account, submitter=rep)
        ticket_link_item(ticket=ticket, item=item, actor=colleague)
        vote(item, account, rep)
        BetaParticipant.objects.create(
            program=BetaProgramFactory(item=item), account=account, state="invited"
        )
        LaunchPlan.objects.create(item=item)
        RoadmapItem.objects.filter(pk=item.pk).update(launch_date=timezone.localdate())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["cs_rep", "pm", "portal_admin"])
def test_home_query_count_is_constant(
    request, client_for, role, cs_rep_colleague, django_assert_num_queries
):
    user = request.getfixturevalue(role)
    rep = user if role == "cs_rep" else CsRepFactory(username="home_rep")
    import_seed(actor=None)
    Connection.objects.create(name="CRM", kind="crm")
    _grow(rep, cs_rep_colleague, 2)
    client = client_for(user)
    _home(client)  # first visit: the scoring policy and the visit mark exist from here on
    small = _counts(client)
    _grow(rep, cs_rep_colleague, 12)
    with django_assert_num_queries(small):
        _home(client)


@pytest.mark.django_db
def test_my_feedback_merges_filed_and_joined_newest_change_first(cs_rep, cs_rep_colleague, pm):
    """What the rep filed and what they joined, one list newest change first (each half its own
    query, cut at MINE_SHOWN); changes by others on either, none on tickets not theirs."""
    mine = AccountFactory(csm_owner=cs_rep)
    theirs = AccountFactory(csm_owner=cs_rep_colleague)
    filed = [TicketFactory(account=mine, submitter=cs_rep, title=f"Filed {i}") for i in range(6)]
    joined = [TicketFactory(account=theirs, submitter=cs_rep_colleague) for _ in range(6)]
    for ticket in joined:
        ticket_join(ticket=ticket, account=mine, actor=cs_rep)
    other = TicketFactory(account=theirs, submitter=cs_rep_colleague, title="Not mine")
    closed = TicketFactory(account=mine, submitter=cs_rep, status="closed")
    now = timezone.now()
    since = now - dt.timedelta(hours=1)
    ticket_set_status(ticket=filed[5], status="triaged", actor=pm)
    ticket_set_status(ticket=joined[5], status="triaged", actor=pm)
    ticket_set_status(ticket=other, status="triaged", actor=pm)
    ticket_set_status(ticket=filed[4], status="triaged", actor=cs_rep)  # my own change
    # Interleaved: joined[0] newest, then filed[0], joined[1], filed[1], ...
    order = [t for pair in zip(joined, filed, strict=True) for t in pair]
    for age, ticket in enumerate([*order, other, closed]):
        FeedbackTicket.objects.filter(pk=ticket.pk).update(
            updated_at=now - dt.timedelta(minutes=age)
        )

    request = RequestFactory().get("/")
    request.home_previous_visit = since
    panel = my_feedback_panel(request, cs_rep)
    assert [t.pk for t in panel["tickets"]] == [t.pk for t in order[:MINE_SHOWN]]
    changes = [(c.id, c.history_change_reason) for c in panel["changes"]]
    assert changes == [
        (joined[5].pk, "Status new → triaged"),
        (filed[5].pk, "Status new → triaged"),
    ]
    # The joined links are the rep's; the filing links are not "joined".
    assert set(
        TicketAccount.objects.filter(added_by=cs_rep, joined=True).values_list("ticket", flat=True)
    ) == {t.pk for t in joined}


@pytest.mark.django_db
def test_the_migration_marks_filing_links(cs_rep, cs_rep_colleague):
    """The backfill of ``TicketAccount.joined``: the link with the ticket's own account, added
    by its submitter, is the filing link; every other link was joined."""
    from django.db import connection

    migration = importlib.import_module("feedback.migrations.0009_ticket_links_joined")
    mine = AccountFactory(csm_owner=cs_rep)
    ticket = TicketFactory(account=mine, submitter=cs_rep)
    theirs = AccountFactory(csm_owner=cs_rep_colleague)
    ticket_join(ticket=ticket, account=theirs, actor=cs_rep_colleague)
    TicketAccount.objects.update(joined=True)  # as the column's default leaves every old link
    with connection.cursor() as cursor:
        cursor.execute(migration.MARK_FILING_LINKS)
    links = dict(TicketAccount.objects.values_list("account_id", "joined"))
    assert links == {mine.pk: False, theirs.pk: True}
