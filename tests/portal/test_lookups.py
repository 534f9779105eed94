"""``__in_array``: the same rows as ``__in``; on PostgreSQL a subquery becomes an array the
planner can use as an index condition beside an ``OR``."""

import pytest
from django.db import connection
from django.db.models import Q

from feedback.models import FeedbackTicket, TicketAccount
from feedback.services import ticket_join
from tests.factories import AccountFactory, CsRepFactory
from tests.feedback.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_in_array_matches_in_for_a_subquery_and_a_list():
    rep, other = CsRepFactory(), CsRepFactory()
    mine = TicketFactory(submitter=rep)
    joined = TicketFactory(submitter=other)
    ticket_join(ticket=joined, account=AccountFactory(csm_owner=rep), actor=rep)
    TicketFactory(submitter=other)  # neither
    links = TicketAccount.objects.filter(added_by=rep, joined=True).values("ticket_id")
    by_in = FeedbackTicket.objects.filter(Q(submitter=rep) | Q(pk__in=links))
    by_array = FeedbackTicket.objects.filter(Q(submitter=rep) | Q(pk__in_array=links))
    assert set(by_array) == set(by_in) == {mine, joined}
    assert set(FeedbackTicket.objects.filter(pk__in_array=[mine.pk, joined.pk])) == {mine, joined}
    assert not FeedbackTicket.objects.filter(pk__in_array=links.none()).exists()
    sql = str(by_array.query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert " IN (SELECT" in sql


def test_my_tickets_are_filed_or_joined(cs_rep, cs_rep_colleague):
    filed = TicketFactory(submitter=cs_rep)
    theirs = TicketFactory(submitter=cs_rep_colleague)
    ticket_join(ticket=theirs, account=AccountFactory(csm_owner=cs_rep), actor=cs_rep)
    TicketFactory(submitter=cs_rep_colleague)
    assert set(FeedbackTicket.objects.involving(cs_rep)) == {filed, theirs}
    assert set(FeedbackTicket.objects.involving(cs_rep_colleague)) == {
        theirs,
        *FeedbackTicket.objects.filter(submitter=cs_rep_colleague),
    }
