import pytest

from feedback import services
from feedback.choices import TicketStatus
from feedback.models import ShipNotification
from feedback.notifications import shipped_notifications_send
from feedback.tasks import feedback_shipped_notify
from portal.models import OutboxEvent
from portal.outbox import outbox_relay_batch
from roadmap.services import roadmap_item_set_status
from tests.factories import AccountFactory

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_setup(cs_rep, cs_rep_colleague):
    item = RoadmapItemFactory(title="Bulk CSV export")
    planned = TicketFactory(
        submitter=cs_rep, roadmap_item=item, status="planned", account=AccountFactory(name="Acme")
    )
    services.ticket_join(
        ticket=planned,
        account=AccountFactory(name="Globex", csm_owner=cs_rep_colleague),
        actor=cs_rep_colleague,
    )
    fresh = TicketFactory(submitter=cs_rep, roadmap_item=item, account=AccountFactory(name="Hooli"))
    declined = TicketFactory(roadmap_item=item, status="declined", declined_reason="Not for us")
    return item, planned, fresh, declined


def test_item_shipped_ships_tickets_and_tells_each_person_once(
    eager_celery,
    pm,
    cs_rep,
    cs_rep_colleague,
    shipped_setup,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    item, planned, fresh, declined = shipped_setup
    with django_capture_on_commit_callbacks(execute=True):
        roadmap_item_set_status(item=item, status="shipped", actor=pm)
    for ticket in (planned, fresh, declined):
        ticket.refresh_from_db()
    assert (planned.status, fresh.status, declined.status) == ("shipped", "shipped", "declined")
    assert OutboxEvent.objects.get(topic="item_shipped").dispatched_at is not None
    sent = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert sent == sorted(
        [
            (cs_rep.email, "Shipped: Bulk CSV export (asked for by Acme)"),
            (cs_rep_colleague.email, "Shipped: Bulk CSV export (asked for by Globex)"),
            (cs_rep.email, "Shipped: Bulk CSV export (asked for by Hooli)"),
        ]
    )
    assert "Bulk CSV export" in mailoutbox[0].body

    # However often it runs again (the subscriber, the task, a re-dispatched event) nobody hears
    # twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.tickets_ship_for_item(item_id=item.pk)
        feedback_shipped_notify.delay(ticket_ids=[planned.pk, fresh.pk])
    OutboxEvent.objects.update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_relay_batch()
    assert shipped_notifications_send(ticket_ids=[planned.pk, fresh.pk, declined.pk]) == 0
    assert len(mailoutbox) == 3
    assert ShipNotification.objects.count() == 3


def test_history_names_the_shipping(
    eager_celery, pm, shipped_setup, django_capture_on_commit_callbacks
):
    item, planned, *_ = shipped_setup
    with django_capture_on_commit_callbacks(execute=True):
        roadmap_item_set_status(item=item, status="shipped", actor=pm)
    record = planned.history.first()
    assert record.status == TicketStatus.SHIPPED
    assert record.history_change_reason == f"Roadmap item #{item.pk} shipped"


def test_a_pm_shipping_a_ticket_by_hand_also_closes_the_loop(
    eager_celery, pm, cs_rep, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(submitter=cs_rep, status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_status(ticket=ticket, status="shipped", actor=pm)
        services.ticket_set_status(ticket=ticket, status="closed", actor=pm)
    assert [m.to for m in mailoutbox] == [[cs_rep.email]]
    assert ticket.account.name in mailoutbox[0].body


def test_a_failed_send_is_retried_without_repeating_the_others(
    cs_rep, cs_rep_colleague, settings, shipped_setup
):
    from django.core import mail

    from feedback.notifications import DeliveryIncomplete
    from tests.feedback import mail_backends

    settings.EMAIL_BACKEND = "tests.feedback.mail_backends.RefusingBackend"
    mail_backends.REFUSED.add(cs_rep_colleague.email)
    item, planned, fresh, _ = shipped_setup
    services.tickets_ship_for_item(item_id=item.pk)
    try:
        with pytest.raises(DeliveryIncomplete, match="1 close-the-loop emails not sent"):
            shipped_notifications_send(ticket_ids=[planned.pk, fresh.pk])
        assert sorted(m.to[0] for m in mail.outbox) == [cs_rep.email, cs_rep.email]
        mail_backends.REFUSED.clear()
        # The retry sends only the missing email.
        assert shipped_notifications_send(ticket_ids=[planned.pk, fresh.pk]) == 1
        assert [m.to[0] for m in mail.outbox[2:]] == [cs_rep_colleague.email]
    finally:
        mail_backends.REFUSED.clear()
