"""Linked feedback as demand in the real priority engine: the feedback app's registered source,
not a stand-in, and the recompute the link schedules in the embedded default."""

from decimal import Decimal

import pytest

from feedback import services
from feedback.choices import Impact, TicketStatus
from roadmap.models import RoadmapItem
from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the recompute runs right after each commit


def test_linking_tickets_ranks_the_item_and_declining_takes_the_demand_away(eager):
    pm = ProductManagerFactory()
    rep, colleague = CsRepFactory(), CsRepFactory()
    wanted, other = RoadmapItemFactory(title="Wanted"), RoadmapItemFactory(title="Other")
    big = AccountFactory(tier="enterprise", arr=Decimal(900_000), csm_owner=rep)
    small = AccountFactory(tier="smb", arr=Decimal(20_000), csm_owner=colleague)
    ticket = TicketFactory(account=big, submitter=rep, impact=Impact.BLOCKER)
    services.ticket_join(ticket=ticket, account=small, actor=colleague, note="us too")
    services.ticket_set_status(ticket=ticket, status=TicketStatus.TRIAGED, actor=pm)

    services.ticket_link_item(ticket=ticket, item=wanted, actor=pm)

    wanted.refresh_from_db()
    other.refresh_from_db()
    assert (wanted.rank, other.rank) == (1, 2)
    assert wanted.score > other.score == Decimal(0)
    breakdown = wanted.score_breakdown
    assert (breakdown["accounts"], breakdown["feedback"], breakdown["votes"]) == (2, 2, 0)
    assert breakdown["total_arr"] == 920_000
    assert breakdown["top_accounts"][0]["name"] == big.name

    services.ticket_set_status(
        ticket=ticket, status=TicketStatus.DECLINED, actor=pm, reason="Out of scope"
    )

    wanted.refresh_from_db()
    assert wanted.score == Decimal(0)
    assert wanted.score_breakdown["accounts"] == 0


def test_a_ticket_without_an_item_is_no_demand(eager):
    item = RoadmapItemFactory()
    TicketFactory(impact=Impact.BLOCKER)
    from roadmap import scoring

    scoring.priorities_recompute()
    assert RoadmapItem.objects.get(pk=item.pk).score_breakdown["accounts"] == 0
