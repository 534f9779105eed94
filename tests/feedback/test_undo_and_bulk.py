"""Undoing a merge or a decline, and bulk actions: the services' rules and their history."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import services, triage
from feedback.models import FeedbackTicket, TicketAccount, TriageAction
from tests.factories import AccountFactory, ProductManagerFactory

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db


def reasons(ticket):
    return list(
        ticket.history.order_by("history_date", "pk").values_list(
            "history_change_reason", flat=True
        )
    )


# --- Undo a merge -----------------------------------------------------------------------------


def test_merge_undo_puts_back_exactly_what_the_merge_moved(pm):
    item = RoadmapItemFactory()
    kept = TicketFactory(title="Kept")
    shared = kept.account
    dup = TicketFactory(title="Dup", roadmap_item=item, status="triaged")
    TicketAccount.objects.create(ticket=dup, account=shared, added_by=pm)  # already on kept
    extra = AccountFactory(name="Extra Co")
    TicketAccount.objects.create(ticket=dup, account=extra, added_by=pm, note="Needs it")
    merged = services.ticket_mark_duplicate(ticket=dup, kept=kept, actor=pm)
    action = merged.last_action
    assert action.kind == "merge" and action.previous_status == "triaged"
    assert len(action.moved_links) == 2 and action.kept_fields == ["roadmap_item"]
    kept.refresh_from_db()
    assert kept.account_count == 3 and kept.roadmap_item_id == item.pk
    # The duplicate's own account arrives on the kept ticket as one more voice: a joined link.
    assert TicketAccount.objects.get(ticket=kept, account=dup.account).joined

    restored = triage.feedback_merge_undo(action=action, actor=pm)
    assert restored.status == "triaged" and restored.duplicate_of is None
    kept.refresh_from_db()
    dup.refresh_from_db()
    assert kept.account_count == 1 and kept.roadmap_item_id is None
    assert dup.account_count == 3
    assert TicketAccount.objects.get(ticket=dup, account=extra).note == "Needs it"
    # Back home, the duplicate's own link is its filing link again; the others stay joined.
    joined = dict(TicketAccount.objects.filter(ticket=dup).values_list("account_id", "joined"))
    assert joined == {dup.account_id: False, extra.pk: True, shared.pk: True}
    assert reasons(dup)[-1] == f"Undid merge into #{kept.pk}"
    assert reasons(kept)[-1] == f"Undid merge of #{dup.pk}"
    action.refresh_from_db()
    assert action.undone_by == pm and action.undone_at is not None
    with pytest.raises(ValidationError, match="already undone"):
        triage.feedback_merge_undo(action=action, actor=pm)


def test_only_the_merger_undoes_and_only_for_a_while(pm):
    kept, dup = TicketFactory(), TicketFactory()
    action = services.ticket_mark_duplicate(ticket=dup, kept=kept, actor=pm).last_action
    with pytest.raises(ValidationError, match="Only the person"):
        triage.feedback_merge_undo(action=action, actor=ProductManagerFactory())
    TriageAction.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - triage.UNDO_WINDOW - timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="Too late"):
        triage.feedback_merge_undo(action=action, actor=pm)
    dup.refresh_from_db()
    assert dup.status == "duplicate"


def test_merge_undo_refused_once_the_kept_ticket_was_merged_on(pm):
    kept, dup, further = TicketFactory(), TicketFactory(), TicketFactory()
    dup_extra = AccountFactory()
    TicketAccount.objects.create(ticket=dup, account=dup_extra, added_by=pm)
    action = services.ticket_mark_duplicate(ticket=dup, kept=kept, actor=pm).last_action
    services.ticket_mark_duplicate(ticket=kept, kept=further, actor=pm)
    with pytest.raises(ValidationError, match="no longer all there"):
        triage.feedback_merge_undo(action=action, actor=pm)
    assert FeedbackTicket.objects.get(pk=dup.pk).status == "duplicate"


# --- Undo a decline ---------------------------------------------------------------------------


def test_decline_undo_restores_status_and_reason(pm):
    ticket = TicketFactory(status="triaged")
    declined = services.ticket_triage(
        ticket=ticket, actor=pm, status="declined", declined_reason="Not our market"
    )
    action = declined.last_action
    assert action.kind == "decline" and action.previous_status == "triaged"
    [restored] = triage.feedback_undo(batch=action.batch, actor=pm)
    assert restored.status == "triaged" and restored.declined_reason == ""
    assert reasons(restored)[-1] == "Undid decline"
    with pytest.raises(ValidationError, match="already undone"):
        triage.feedback_undo(batch=action.batch, actor=pm)


def test_decline_undo_refused_when_reopened_since(pm):
    ticket = TicketFactory()
    action = services.ticket_set_status(
        ticket=ticket, status="declined", actor=pm, reason="No"
    ).last_action
    services.ticket_set_status(ticket=ticket, status="triaged", actor=pm)
    with pytest.raises(ValidationError, match="no longer declined"):
        triage.feedback_decline_undo(actions=[action], actor=pm)


def test_unknown_undo_link(pm):
    import uuid

    with pytest.raises(ValidationError, match="nothing to undo"):
        triage.feedback_undo(batch=uuid.uuid4(), actor=pm)


# --- Bulk ---------------------------------------------------------------------------------------


def test_bulk_triage_link_and_decline(pm):
    tickets = [TicketFactory() for _ in range(3)]
    ids = [t.pk for t in tickets]
    result = triage.feedback_bulk_apply(ticket_ids=ids, action="triage", actor=pm, expected=3)
    assert result.count == 3 and not result.undoable
    assert set(FeedbackTicket.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "triaged"
    }
    item = RoadmapItemFactory()
    triage.feedback_bulk_apply(ticket_ids=ids, action="link", item=item, actor=pm)
    assert FeedbackTicket.objects.filter(pk__in=ids, roadmap_item=item).count() == 3
    declined = triage.feedback_bulk_apply(
        ticket_ids=ids, action="decline", reason="Covered elsewhere", actor=pm
    )
    assert declined.undoable
    assert TriageAction.objects.filter(batch=declined.batch).count() == 3
    # The batch is undone as one.
    restored = triage.feedback_undo(batch=declined.batch, actor=pm)
    assert {t.status for t in restored} == {"triaged"}


def test_bulk_is_all_or_nothing(pm):
    fine = TicketFactory()
    shipped = TicketFactory(status="shipped")
    with pytest.raises(ValidationError) as caught:
        triage.feedback_bulk_apply(
            ticket_ids=[fine.pk, shipped.pk], action="decline", reason="No", actor=pm
        )
    assert f"#{shipped.pk} cannot be changed" in str(caught.value)
    assert "Nothing was done" in str(caught.value)
    fine.refresh_from_db()
    assert fine.status == "new"
    assert not TriageAction.objects.exists()
    with pytest.raises(ValidationError, match="not new"):
        triage.feedback_bulk_apply(ticket_ids=[fine.pk, shipped.pk], action="triage", actor=pm)
    assert FeedbackTicket.objects.get(pk=fine.pk).status == "new"


def test_bulk_refuses_bad_input(pm):
    ticket = TicketFactory()
    cases = [
        ({"ticket_ids": [], "action": "triage"}, "at least one"),
        ({"ticket_ids": [ticket.pk], "action": "explode"}, "Choose one of"),
        ({"ticket_ids": [ticket.pk], "action": "link"}, "roadmap item"),
        ({"ticket_ids": [ticket.pk], "action": "decline", "reason": " "}, "Say why"),
        ({"ticket_ids": [ticket.pk, 999_999], "action": "triage"}, "selection changed"),
        ({"ticket_ids": [ticket.pk], "action": "triage", "expected": 2}, "selection changed"),
        (
            {"ticket_ids": list(range(1, triage.BULK_LIMIT + 2)), "action": "triage"},
            "at most",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            triage.feedback_bulk_apply(actor=pm, **kwargs)
    assert FeedbackTicket.objects.get(pk=ticket.pk).status == "new"
