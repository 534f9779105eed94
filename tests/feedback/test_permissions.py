"""The predicates of feedback/permissions.py, and the ticket page offering what they allow."""

import pytest
from django.urls import reverse

from feedback import permissions

from .factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_predicates_by_role(cs_rep, pm, portal_admin, outsider):
    ticket = TicketFactory()
    duplicate = TicketFactory(status="duplicate", duplicate_of=ticket)
    expected = {
        # view, submit, join, join a duplicate, triage, merge, merge a duplicate, create item
        "cs_rep": (cs_rep, [True, True, True, False, False, False, False, False]),
        "pm": (pm, [True, False, False, False, True, True, False, True]),
        "admin": (portal_admin, [True, False, False, False, False, False, False, False]),
        "outsider": (outsider, [False] * 8),
    }
    for who, (user, answers) in expected.items():
        got = [
            permissions.can_view(user),
            permissions.can_submit(user),
            permissions.can_join(user, ticket),
            permissions.can_join(user, duplicate),
            permissions.can_triage(user, ticket),
            permissions.can_merge(user, ticket),
            permissions.can_merge(user, duplicate),
            permissions.can_create_item(user, ticket),
        ]
        assert got == answers, who


def test_the_ticket_page_offers_what_the_predicates_allow(client_for, cs_rep, pm):
    ticket = TicketFactory()
    rep_page = client_for(cs_rep).get(ticket.get_absolute_url())
    assert rep_page.context["can"] == permissions.ticket_actions(cs_rep, ticket)
    assert "Add my account to this one" in rep_page.content.decode()
    assert "Save triage" not in rep_page.content.decode()
    pm_page = client_for(pm).get(ticket.get_absolute_url()).content.decode()
    assert "Save triage" in pm_page and "Mark as duplicate" in pm_page
    assert "Create a roadmap item" in pm_page
    assert "Add my account to this one" not in pm_page
    dup = TicketFactory(status="duplicate", duplicate_of=ticket)
    page = client_for(pm).get(dup.get_absolute_url()).content.decode()
    assert "Mark as duplicate" not in page
    assert reverse("feedback:mark-duplicate", args=[dup.pk]) not in page
