"""Ticket status changes, merges and beta invitations reach the inbox of the people they
concern (through the outbox relay), and never the person who made the change."""

import pytest
from django.contrib.auth.models import Permission

from feedback.services import feedback_submit, ticket_mark_duplicate, ticket_set_status
from portal.models import InboxEntry, User
from portal.outbox import outbox_relay_batch
from roadmap.betas.services import beta_participant_nominate, beta_participant_transition
from tests.factories import AccountFactory
from tests.roadmap.factories import BetaProgramFactory


def _relay():
    while outbox_relay_batch():
        pass


def _entries(topic):
    return {
        (e.user.username, e.text, e.url)
        for e in InboxEntry.objects.filter(topic=topic).select_related("user")
    }


def _ticket(account, submitter, title):
    return feedback_submit(
        account=account,
        submitter=submitter,
        title=title,
        description="Please.",
        category="feature_request",
        impact="high",
        source="call",
    )


@pytest.mark.django_db
def test_a_status_change_tells_the_submitter_and_the_csm_not_the_pm(pm, cs_rep, cs_rep_colleague):
    # An integration's service user, which may file for any account, files for cs_rep's.
    account = AccountFactory(name="Globex", csm_owner=cs_rep)
    cs_rep_colleague.user_permissions.add(Permission.objects.get(codename="act_for_any_account"))
    ticket = _ticket(account, User.objects.get(pk=cs_rep_colleague.pk), "Export all invoices")
    _relay()
    ticket_set_status(ticket=ticket, status="triaged", actor=pm)
    ticket_set_status(ticket=ticket, status="declined", actor=pm, reason="Out of scope")
    _relay()
    url = f"/feedback/{ticket.pk}/"
    moved = f"Your feedback #{ticket.pk} “Export all invoices”: new → triaged"
    declined = (
        f"Your feedback #{ticket.pk} “Export all invoices”: triaged → declined (Out of scope)"
    )
    assert _entries("feedback_status_changed") == {
        ("rep_a", moved, url),
        ("rep_b", moved, url),
        ("rep_a", declined, url),
        ("rep_b", declined, url),
    }
    pm.refresh_from_db()
    cs_rep.refresh_from_db()
    assert pm.inbox_unread == 0
    assert cs_rep.inbox_unread == 3  # and the colleague's new ticket (feedback_submitted)
    assert InboxEntry.objects.filter(user=cs_rep, topic="feedback_submitted").exists()


@pytest.mark.django_db
def test_the_submitter_who_is_also_the_csm_is_told_once(cs_rep, cs_rep_colleague, pm):
    account = AccountFactory(csm_owner=cs_rep)
    ticket = _ticket(account, cs_rep, "Mine")
    ticket_set_status(ticket=ticket, status="triaged", actor=pm)
    _relay()
    assert [u for u, _, _ in _entries("feedback_status_changed")] == ["rep_a"]


@pytest.mark.django_db
def test_a_merge_tells_the_people_behind_both_tickets(pm, cs_rep, cs_rep_colleague):
    kept = _ticket(AccountFactory(csm_owner=cs_rep), cs_rep, "Bulk export")
    dup = _ticket(AccountFactory(csm_owner=cs_rep_colleague), cs_rep_colleague, "Export in bulk")
    ticket_mark_duplicate(ticket=dup, kept=kept, actor=pm)
    _relay()
    text = f"Your feedback #{dup.pk} “Export in bulk” was merged into #{kept.pk}"
    assert _entries("feedback_status_changed") == {
        ("rep_a", text, f"/feedback/{kept.pk}/"),
        ("rep_b", text, f"/feedback/{kept.pk}/"),
    }


@pytest.mark.django_db
def test_beta_invitations_and_moves_reach_the_csm_and_the_program_owners(
    pm, cs_rep, cs_rep_colleague
):
    program = BetaProgramFactory(name="Export beta", pm_owner=pm, cs_owner=cs_rep_colleague)
    account = AccountFactory(name="Initech", csm_owner=cs_rep)
    participant = beta_participant_nominate(program=program, account=account, actor=cs_rep)
    beta_participant_transition(participant=participant, state="invited", actor=pm)
    _relay()
    url = f"/roadmap/betas/{program.pk}/"
    nominated = "Initech was nominated for the beta Export beta"
    invited = "Initech is invited to the beta Export beta"
    assert _entries("beta_participant_changed") == {
        ("pm_a", nominated, url),  # the nominating rep is not told of their own nomination
        ("rep_b", nominated, url),
        ("rep_a", invited, url),  # the account's CSM hears of the invitation
        ("rep_b", invited, url),
    }
