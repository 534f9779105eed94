"""Close the loop, second stage: one barrier message per (item, CSM), and the requester-adoption
``adoption_insight`` once per item — in-process and through a real Celery worker."""

import pytest
from django.core import mail

from integrations.connectors.analytics.adoption_services import (
    barrier_notices_send,
    requester_crossings_record,
)
from integrations.connectors.analytics.tasks import adoption_barriers_daily
from integrations.models import BarrierNotice, RequesterAdoptionCrossing
from portal.models import OutboxEvent
from tests.celery_worker import all_tasks_done, wait_for

from .dataset import build, d


@pytest.mark.django_db
def test_each_csm_gets_one_message_naming_their_accounts_and_evidence():
    data = build()
    sent = barrier_notices_send()
    assert sorted((n.item_id, n.csm.username) for n in sent) == [
        (data["item"].pk, "casey"),
        (data["item"].pk, "riley"),
    ]
    by_to = {m.to[0]: m for m in mail.outbox}
    riley = by_to["riley@example.com"]
    assert riley.subject == "1 of your accounts asked for “Okta SSO” and has not used it"
    assert "- A3 (ARR 120,000, health 30)" in riley.body
    assert "ticket: #" in riley.body and "Okta login please" in riley.body
    assert "A4" not in riley.body
    assert "Security review in Q4 asks for SSO." in by_to["casey@example.com"].body
    assert barrier_notices_send() == [] and len(mail.outbox) == 2  # a re-run sends nothing
    notice = BarrierNotice.objects.get(csm__username="riley")
    assert [a["name"] for a in notice.accounts] == ["A3"] and notice.emailed


@pytest.mark.django_db
def test_no_message_before_the_window_passes_nor_for_old_items(settings):
    build()
    assert barrier_notices_send(today=d(10, 14)) == []  # shipped 10-01, window 14 days
    settings.ADOPTION_BARRIER_HORIZON_DAYS = 10
    assert barrier_notices_send(today=d(12, 31)) == []  # beyond 14 + 10 days
    assert not mail.outbox


@pytest.mark.django_db
def test_a_csm_without_email_is_told_in_the_portal_only():
    data = build()
    data["casey"].email = ""
    data["casey"].save()
    barrier_notices_send()
    assert not BarrierNotice.objects.get(csm=data["casey"]).emailed
    assert [m.to for m in mail.outbox] == [["riley@example.com"]]


@pytest.mark.django_db
def test_requester_adoption_crossing_records_one_insight(settings):
    data = build()  # requesters A1–A4, of which A1 and A2 used it: 50%
    settings.ADOPTION_INSIGHT_REQUESTER_THRESHOLD = 0.6
    assert requester_crossings_record() == []
    settings.ADOPTION_INSIGHT_REQUESTER_THRESHOLD = 0.5
    [crossing] = requester_crossings_record()
    assert (crossing.requesters, crossing.adopters, crossing.rate) == (4, 2, 0.5)
    event = OutboxEvent.objects.get(topic="adoption_insight")
    assert event.payload["kind"] == "requester_adoption_crossed"
    assert event.payload["item_id"] == data["item"].pk
    assert event.payload["summary"] == "2 of 4 requesting accounts use it (50%, threshold 50%)"
    assert requester_crossings_record() == []
    assert RequesterAdoptionCrossing.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_tells_each_csm_once(worker):
    data = build()
    adoption_barriers_daily.delay()
    adoption_barriers_daily.delay()  # the beat entry firing twice, or a redelivery
    assert wait_for(lambda: BarrierNotice.objects.count() == 2), "the worker sent nothing"
    assert wait_for(lambda: worker.poll() is None and all_tasks_done())
    adoption_barriers_daily.delay()
    assert wait_for(lambda: all_tasks_done())
    assert sorted(BarrierNotice.objects.values_list("item_id", "csm__username")) == [
        (data["item"].pk, "casey"),
        (data["item"].pk, "riley"),
    ]
    assert OutboxEvent.objects.filter(topic="adoption_insight").count() == 1
