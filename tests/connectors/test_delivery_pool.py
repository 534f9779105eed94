"""The delivery pool against a real threaded receiver that is slow, fails, and drops
connections: every delivery accepted exactly once (counted per delivery id at the receiver),
dead letters after the retry limit, outbox order for an ordered endpoint."""

import pytest

from integrations.connectors.outbound.deliveries import (
    deliveries_send_due,
    delivery_attempt,
)
from integrations.connectors.outbound.pool import delivery_pool_reset
from integrations.models import ConnectionKind, Delivery, DeliveryStatus
from portal.outbox import outbox_record_many, outbox_relay_batch

from .factories import ConnectionFactory
from .receiver import Behaviour, Receiver
from .test_concurrency import race

SECRET = b"outbound-secret"


@pytest.fixture(autouse=True)
def _pool(settings):
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = True  # the receivers listen on 127.0.0.1
    settings.CONNECTOR_DELIVERY_BACKOFF = 0  # a failed delivery is due again at once
    settings.CONNECTOR_DELIVERY_CONCURRENCY = 4
    settings.CONNECTOR_DELIVERY_WORKERS = 8
    settings.CONNECTOR_DELIVERY_BATCH = 25  # several claims per run
    delivery_pool_reset()
    yield
    delivery_pool_reset()


def receiver(**behaviour) -> Receiver:
    b = Behaviour()
    for key, value in behaviour.items():
        setattr(b, key, value)
    return Receiver(secret=SECRET, behaviour=b)


def endpoint(url: str, *, ordered: bool = False, name: str = "Ops webhook"):
    return ConnectionFactory(
        name=name,
        kind=ConnectionKind.WEBHOOK,
        base_url=url,
        secret_env="CONNECTOR_TEST_OUTBOUND_SECRET",
        settings={"events": ["vote_cast"], "ordered": ordered},
    )


def events(n: int) -> list[int]:
    """``n`` outbox events relayed into deliveries (the on-commit send is not run: the tests
    send with ``deliveries_send_due`` themselves)."""
    created = outbox_record_many(topic="vote_cast", payloads=[{"item_id": i} for i in range(n)])
    while outbox_relay_batch(limit=100):
        pass
    return [e.pk for e in created]


def send_until_settled() -> None:
    """What the send task and the beat's sweep do, until nothing is pending."""
    for _ in range(50):
        deliveries_send_due()
        if not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists():
            return
    raise AssertionError("deliveries still pending")


def assert_each_accepted_once(r: Receiver, event_ids: list[int]) -> None:
    assert dict(r.accepted) == {str(pk): 1 for pk in event_ids}


@pytest.mark.django_db
def test_a_slow_receiver_gets_every_delivery_once_on_a_few_kept_alive_connections():
    with receiver(delay=0.02) as r:
        endpoint(r.url("/hook"))
        ids = events(60)
        assert deliveries_send_due() == 60
    assert_each_accepted_once(r, ids)
    assert set(Delivery.objects.values_list("status", "attempts", "last_status_code")) == {
        (DeliveryStatus.DELIVERED, 1, 204)
    }
    # Bounded concurrency per target, and connections reused rather than one per delivery.
    assert r.state.max_in_flight <= 4
    assert r.state.connections <= 4


@pytest.mark.django_db
def test_a_receiver_failing_then_accepting_gets_each_delivery_once():
    with receiver(fail_first=2) as r:
        endpoint(r.url("/hook"))
        ids = events(40)
        send_until_settled()
    assert_each_accepted_once(r, ids)
    assert all(r.state.seen[str(pk)] == 3 for pk in ids)  # 503, 503, then accepted
    rows = set(Delivery.objects.values_list("status", "attempts", "last_error"))
    assert rows == {(DeliveryStatus.DELIVERED, 3, "")}


@pytest.mark.django_db
def test_a_receiver_that_never_recovers_dead_letters_after_the_retry_limit(settings):
    settings.CONNECTOR_DELIVERY_MAX_ATTEMPTS = 3
    with receiver(fail_first=1000) as r:
        endpoint(r.url("/hook"))
        ids = events(20)
        send_until_settled()
    assert r.accepted == {}
    assert all(r.state.seen[str(pk)] == 3 for pk in ids)
    dead = Delivery.objects.dead()
    assert dead.count() == 20
    assert {(d.attempts, d.last_status_code) for d in dead} == {(3, 503)}
    assert all("Attempt 3" in d.last_error and "HTTP 503" in d.last_error for d in dead)
    assert deliveries_send_due() == 0  # a dead letter is not sent again by itself


@pytest.mark.django_db
def test_dropped_connections_lose_nothing_and_send_nothing_twice():
    # Every 7th request dropped unanswered (not processed), every 3rd answered then closed.
    with receiver(close_every=7, close_after_answer_every=3) as r:
        endpoint(r.url("/hook"))
        ids = events(80)
        send_until_settled()
    assert_each_accepted_once(r, ids)
    assert r.state.requests > 80  # the dropped ones were sent again
    failed = Delivery.objects.filter(attempts__gt=1)
    assert failed.exists()
    assert all("Could not connect" in d.last_error or d.last_error == "" for d in failed)
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


@pytest.mark.django_db
def test_an_ordered_endpoint_gets_outbox_order_through_failures_beside_an_unordered_one():
    with receiver(fail_first=1, close_every=11) as r:
        endpoint(r.url("/ordered"), ordered=True, name="Ordered")
        endpoint(r.url("/any"), name="Any order")
        ids = events(70)  # 70 > one ordered run: the order holds across claims
        send_until_settled()
    assert r.state.order["ordered"] == ids
    assert sorted(r.state.order["any"]) == ids
    assert dict(r.accepted) == {str(pk): 2 for pk in ids}  # once per endpoint (same event id)
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 140


@pytest.mark.django_db
def test_an_ordered_endpoint_does_not_send_past_a_pending_delivery():
    with receiver() as r:
        endpoint(r.url("/ordered"), ordered=True)
        first, second = events(2)
        later = Delivery.objects.get(event_id=second)
        assert delivery_attempt(delivery_id=later.pk) is None  # the first is still pending
        assert r.accepted == {}
        send_until_settled()
    assert r.state.order["ordered"] == [first, second]


@pytest.mark.django_db
def test_a_disabled_endpoint_sends_nothing_and_its_deliveries_are_dead_letters():
    with receiver() as r:
        on = endpoint(r.url("/hook"), name="On")
        ids = events(3)
        on.enabled = False
        on.save()
        assert deliveries_send_due() == 3
    assert r.state.requests == 0
    assert {d.last_error for d in Delivery.objects.dead()} == {"Attempt 1: On is disabled."}
    assert len(ids) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_workers_sending_at_once_send_each_delivery_once(settings):
    settings.CONNECTOR_DELIVERY_BATCH = 10
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the relay's commit queues the send; we race it
    with receiver(delay=0.005, fail_first=1) as r:
        endpoint(r.url("/hook"))
        ordered = endpoint(r.url("/ordered"), ordered=True, name="Ordered")
        ids = events(90)
        assert ordered.deliveries.count() == 90

        def worker():
            total = 0
            while Delivery.objects.filter(status=DeliveryStatus.PENDING).exists():
                total += deliveries_send_due()
            return total

        attempts = race(worker, n=3)
    # The receiver fails the first request of each event id (shared by both endpoints' deliveries
    # of it): three attempts per event in all, none more.
    assert sum(attempts) == 3 * 90
    assert dict(r.accepted) == {str(pk): 2 for pk in ids}
    assert r.state.order["ordered"] == ids


@pytest.mark.django_db
def test_a_relay_queues_one_send_for_all_its_events(django_capture_on_commit_callbacks):
    endpoint("https://hooks.example.com/in")
    outbox_record_many(topic="vote_cast", payloads=[{"item_id": i} for i in range(30)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_relay_batch()
    path = "integrations.connectors.tasks.deliveries_send"
    assert [getattr(c, "task_once", None) for c in callbacks].count(path) == 1
    assert Delivery.objects.count() == 30


def test_ordered_is_a_boolean_setting():
    from integrations.connectors.outbound.connector import validate_settings

    assert validate_settings({"events": ["vote_cast"], "ordered": True}) == {}
    assert validate_settings({"events": [], "ordered": "yes"}) == {
        "settings": "ordered must be true or false."
    }


@pytest.mark.django_db
def test_the_pool_keeps_to_the_outbound_rules(settings):
    """Loopback refused at send time when private networks are not allowed: a dead letter at
    once, and the receiver hears nothing."""
    with receiver() as r:
        endpoint(r.url("/hook"))
        events(2)
        settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False
        assert deliveries_send_due() == 2
    assert r.state.requests == 0
    dead = list(Delivery.objects.dead())
    assert len(dead) == 2 and all("loopback" in d.last_error for d in dead)
