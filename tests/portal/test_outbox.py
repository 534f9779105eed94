import pytest

from portal.models import OutboxEvent
from portal.outbox import outbox_record, outbox_relay_batch, subscribe, subscribers_for


@pytest.mark.django_db(transaction=True)
def test_events_reach_subscribers_once_and_failures_stay_pending():
    seen = []
    state = {"fail": True}

    @subscribe("test_topic")
    def handler(event):
        if state["fail"]:
            raise RuntimeError("receiver down")
        seen.append(event.pk)

    try:
        # With eager Celery (no REDIS_URL) the relay runs on commit; with Redis it waits for beat.
        event = outbox_record(topic="test_topic", payload={"n": 1})
        outbox_relay_batch()
        event.refresh_from_db()
        assert event.dispatched_at is None
        assert "receiver down" in event.last_error
        assert event.attempts >= 1

        state["fail"] = False
        assert outbox_relay_batch() == 1
        assert outbox_relay_batch() == 0
        event.refresh_from_db()
        assert event.dispatched_at is not None
        assert seen == [event.pk]
    finally:
        subscribers_for("test_topic")  # keep the registry tidy for other tests
        from portal import outbox

        outbox._subscribers["test_topic"].remove(handler)


@pytest.mark.django_db
def test_event_is_rolled_back_with_its_transaction():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_record(topic="rolled_back", payload={})
        raise RuntimeError("the change failed")
    assert not OutboxEvent.objects.filter(topic="rolled_back").exists()
