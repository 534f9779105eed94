"""Close the loop through the real stack: Redis broker and a Celery worker process."""

import pytest

from feedback import services
from feedback.models import FeedbackTicket, ShipNotification
from feedback.tasks import feedback_shipped_notify
from portal.tasks import outbox_relay
from roadmap.services import roadmap_item_set_status
from tests.celery_worker import all_tasks_done, wait_for
from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory

from .factories import RoadmapItemFactory, TicketFactory


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_tells_each_person_once(worker):
    pm = ProductManagerFactory(username="loop_pm")
    rep, colleague = CsRepFactory(username="loop_rep"), CsRepFactory(username="loop_rep2")
    item = RoadmapItemFactory(title="Okta SSO")
    ticket = TicketFactory(submitter=rep, roadmap_item=item, status="planned")
    services.ticket_join(
        ticket=ticket, account=AccountFactory(csm_owner=colleague), actor=colleague
    )

    roadmap_item_set_status(item=item, status="shipped", actor=pm)
    # The relay (beat runs it every few seconds) hands item_shipped to the feedback app, which
    # ships the ticket and queues the emails; run it twice, and the email task twice more.
    outbox_relay.delay()
    outbox_relay.delay()
    assert wait_for(lambda: ShipNotification.objects.count() == 2), "the worker sent nothing"
    feedback_shipped_notify.delay(ticket_ids=[ticket.pk])
    feedback_shipped_notify.delay(ticket_ids=[ticket.pk])
    assert wait_for(lambda: worker.poll() is None and all_tasks_done())
    assert FeedbackTicket.objects.get(pk=ticket.pk).status == "shipped"
    assert sorted(ShipNotification.objects.values_list("email", flat=True)) == sorted(
        [rep.email, colleague.email]
    )
