"""Outbound deliveries: create one per (endpoint, outbox event), claim the due ones in batches,
send them through the delivery pool (kept-alive connections and bounded concurrency per target),
retry with exponential backoff and jitter, dead-letter after the last attempt, redeliver on
request. This module is the only writer of a delivery's state.

Order: an endpoint whose settings say ``"ordered": true`` gets its deliveries one at a time in
outbox order, each only once every earlier one has been delivered or dead-lettered (see
``docs/connectors.md``); the others get them concurrently, in no particular order.
"""

import datetime as dt
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import takewhile

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations.models import Connection, Delivery, DeliveryStatus
from portal.dbretry import retry_on_deadlock

from ..background import task_on_commit, task_on_commit_once
from ..transport import TransportError, retry_after_seconds
from .pool import Dispatch, Outcome, Send, delivery_pool, target_of

logger = logging.getLogger(__name__)

# Claimed ahead per target: this many rounds of its concurrency, so that a claim's lease covers
# every request queued before the last one even if each takes the whole timeout.
ROUNDS = 4
ORDERED_RUN = 32  # longest run of an ordered endpoint claimed (and sent one by one) at once
FLUSH_SECONDS = 0.1  # outcomes are written at least this often while sends are in flight
FLUSH_SIZE = 200


def is_ordered(connection: Connection) -> bool:
    return bool((connection.settings or {}).get("ordered"))


def deliveries_create_for_event(*, event) -> None:
    """One Delivery per enabled endpoint subscribed to the event's topic (idempotent: the unique
    (endpoint, event) pair makes a second offer of the event insert nothing). One send of what is
    due is queued for the commit, however many events the transaction relays."""
    connections = Connection.objects.outbound_for(event.topic)
    if not connections:
        return
    Delivery.objects.bulk_create(
        [Delivery(connection=c, event=event, topic=event.topic) for c in connections],
        ignore_conflicts=True,
    )
    task_on_commit_once("deliveries_send")


def backoff_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff with "equal jitter": half fixed, half random."""
    base = settings.CONNECTOR_DELIVERY_BACKOFF * (2 ** max(0, attempts - 1))
    capped = min(base, settings.CONNECTOR_DELIVERY_MAX_BACKOFF)
    return dt.timedelta(seconds=capped / 2 + random.uniform(0, capped / 2))


def _lease(now, rounds: int) -> dt.datetime:
    # A request may take the timeout to connect and again to answer.
    return now + dt.timedelta(seconds=2 * settings.CONNECTOR_HTTP_TIMEOUT * (rounds + 1))


@dataclass
class Endpoint:
    """A connection ready to send: its client on the pool's session for its target, or the
    reason nothing can be sent to it (every claimed delivery of it is then a dead letter)."""

    connection: Connection
    target: str = ""
    client: object = None
    problem: str = ""

    def send(self, delivery) -> int:
        return self.client.send_event(delivery.event)


def _endpoint(connection: Connection, pool) -> Endpoint:
    connector = connection.connector
    if not connection.enabled:
        return Endpoint(connection, problem=f"{connection.name} is disabled.")
    if connector.client is None or not connector.outbound:
        return Endpoint(connection, problem=f"{connection.name} sends nothing.")
    client = connector.client.for_connection(connection)
    target = target_of(client.base_url)
    client.session = pool.session(target)  # kept alive, shared by every send to this target
    return Endpoint(connection, target=target, client=client)


@dataclass
class Claimed:
    endpoint: Endpoint
    deliveries: list
    ordered: bool


@retry_on_deadlock()
def deliveries_claim(
    *,
    endpoints: dict[int, Endpoint],
    outstanding: dict[str, int],
    busy: set[int],
    limit: int,
    now=None,
) -> tuple[list[Claimed], bool]:
    """Claim due deliveries for sending: oldest first, at most ``ROUNDS`` × concurrency queued
    per target (counting ``outstanding``), plus for each ordered endpoint not in ``busy`` the
    due head of its queue in outbox order. Returns the claims and whether a target was left out
    because it was full (so finding nothing does not mean nothing is due)."""
    now = now or timezone.now()
    cap = settings.CONNECTOR_DELIVERY_CONCURRENCY * ROUNDS
    room = {e.target: cap - outstanding.get(e.target, 0) for e in endpoints.values()}
    open_ids = [
        pk for pk, e in endpoints.items() if not is_ordered(e.connection) and room[e.target] > 0
    ]
    left_out = len(open_ids) < sum(not is_ordered(e.connection) for e in endpoints.values())
    with transaction.atomic():
        rows = list(
            Delivery.objects.due(now)
            .filter(connection_id__in=open_ids)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("pk", "connection_id")[:limit]
        )
        batch = []
        for pk, connection_id in rows:
            target = endpoints[connection_id].target
            if room[target] > 0:
                room[target] -= 1
                batch.append(pk)
            else:
                left_out = True
        Delivery.objects.filter(pk__in=batch).update(claimed_until=_lease(now, ROUNDS))
        runs = []
        for pk, endpoint in endpoints.items():
            if not is_ordered(endpoint.connection):
                continue
            if pk in busy:
                left_out = True
                continue
            # Locks the head of the queue (not skipped: the head must be this one), then takes
            # the due prefix; a head in backoff or held by another worker holds the rest.
            head = (
                Delivery.objects.filter(connection_id=pk, status=DeliveryStatus.PENDING)
                .select_for_update()
                .order_by("event_id")
                .values_list("pk", "next_attempt_at", "claimed_until")[:ORDERED_RUN]
            )
            run = [
                row[0]
                for row in takewhile(
                    lambda r: r[1] <= now and (r[2] is None or r[2] < now), list(head)
                )
            ]
            if run:
                Delivery.objects.filter(pk__in=run).update(claimed_until=_lease(now, len(run)))
                runs.append((pk, run))
    ids = batch + [pk for _connection, run in runs for pk in run]
    loaded = Delivery.objects.select_related("event").in_bulk(ids)
    for delivery in loaded.values():
        delivery.connection = endpoints[delivery.connection_id].connection
    claims = [Claimed(endpoints[loaded[pk].connection_id], [loaded[pk]], False) for pk in batch]
    claims += [Claimed(endpoints[c], [loaded[pk] for pk in run], True) for c, run in runs]
    return claims, left_out


@retry_on_deadlock()
def deliveries_record(*, outcomes: list[Outcome]) -> int:
    """Write what became of sent deliveries: delivered (grouped by HTTP status, one UPDATE each),
    failed (rescheduled with backoff, or dead after the last attempt or a permanent refusal), or
    not attempted (the rest of an ordered run, released). Returns how many were attempted."""
    now = timezone.now()
    delivered: dict[int, list[int]] = defaultdict(list)
    released = []
    attempted = 0
    with transaction.atomic():
        for outcome in outcomes:
            delivery = outcome.delivery
            if not outcome.attempted:
                released.append(delivery.pk)
                continue
            attempted += 1
            if outcome.error is None:
                delivered[outcome.status].append(delivery.pk)
            else:
                _record_failure(delivery, outcome.error, now)
        for status, ids in delivered.items():
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
                attempts=F("attempts") + 1,
                claimed_until=None,
                last_status_code=status,
                last_error="",
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
            )
        if released:
            Delivery.objects.filter(pk__in=released, status=DeliveryStatus.PENDING).update(
                claimed_until=None
            )
    return attempted


def _record_failure(delivery: Delivery, exc: TransportError, now) -> None:
    attempts = delivery.attempts + 1
    dead = exc.permanent or attempts >= settings.CONNECTOR_DELIVERY_MAX_ATTEMPTS
    wait = backoff_delay(attempts)
    hinted = retry_after_seconds(getattr(exc, "retry_after", None))
    if hinted is not None:
        wait = max(wait, dt.timedelta(seconds=hinted))
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        attempts=attempts,
        claimed_until=None,
        last_status_code=exc.status,
        last_error=f"Attempt {attempts}: {exc}"[:2000],
        status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
        dead_lettered_at=now if dead else None,
        next_attempt_at=now if dead else now + wait,
    )


def _endpoints(pool) -> dict[int, Endpoint]:
    return {c.pk: _endpoint(c, pool) for c in Connection.objects.all()}


def deliveries_send_due(*, limit: int | None = None, budget: float | None = None) -> int:
    """Send due deliveries until none is due, ``limit`` were claimed or ``budget`` seconds have
    passed; returns how many were attempted. Claims are topped up while sends are in flight, and
    outcomes written in bulk as they come (this thread alone talks to the database)."""
    limit = limit if limit is not None else 10**9
    budget = budget if budget is not None else settings.CONNECTOR_DELIVERY_BUDGET
    deadline = time.monotonic() + budget
    pool = delivery_pool()
    dispatch = Dispatch(pool)
    cap = settings.CONNECTOR_DELIVERY_CONCURRENCY * ROUNDS
    busy: set[int] = set()  # ordered endpoints with a run in flight
    dry: set[str] = set()  # targets the last claim had room for and found nothing
    claimed = attempted = 0
    exhausted, freed = False, False
    outcomes: list[Outcome] = []
    flushed = time.monotonic()
    while True:
        hungry = (
            freed
            or not dispatch.busy()
            or any(0 < n <= cap // 2 and t not in dry for t, n in dispatch.outstanding.items())
        )
        if hungry and not exhausted and claimed < limit and time.monotonic() < deadline:
            freed = False
            endpoints = _endpoints(pool)
            roomy = {
                e.target for e in endpoints.values() if dispatch.outstanding.get(e.target, 0) < cap
            }
            size = min(settings.CONNECTOR_DELIVERY_BATCH, limit - claimed)
            claims, left_out = deliveries_claim(
                endpoints=endpoints, outstanding=dispatch.outstanding, busy=busy, limit=size
            )
            found = {claim.endpoint.target for claim in claims}
            if sum(len(c.deliveries) for c in claims) < size:
                dry = roomy - found
            dry -= found
            exhausted = not claims and not left_out
            for claim in claims:
                claimed += len(claim.deliveries)
                endpoint = claim.endpoint
                if endpoint.problem:
                    error = TransportError(endpoint.problem, permanent=True)
                    outcomes += [Outcome(d, error=error) for d in claim.deliveries]
                    continue
                if claim.ordered:
                    busy.add(endpoint.connection.pk)
                dispatch.put(
                    Send(endpoint.target, claim.deliveries, endpoint.send, ordered=claim.ordered)
                )
        finished = exhausted or claimed >= limit or time.monotonic() >= deadline
        if finished and not dispatch.busy() and not outcomes:
            break
        for send, done in dispatch.collect(timeout=FLUSH_SECONDS):
            outcomes += done
            if send.ordered:
                busy.discard(send.deliveries[0].connection_id)
                freed = True
        stale = time.monotonic() - flushed >= FLUSH_SECONDS
        if outcomes and (len(outcomes) >= FLUSH_SIZE or stale or not dispatch.busy()):
            attempted += deliveries_record(outcomes=outcomes)
            outcomes, flushed = [], time.monotonic()
    if outcomes:
        attempted += deliveries_record(outcomes=outcomes)
    return attempted


def deliveries_dispatch_due(*, limit: int | None = None) -> int:
    """The beat's sweep (retries that have come due, anything a lost message left behind)."""
    return deliveries_send_due(limit=limit)


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send one due delivery now, in this thread (on the pool's session for its target).
    ``None`` if it is not due, another worker holds it, or an earlier delivery of its ordered
    endpoint is still pending."""
    now = timezone.now()
    delivery = Delivery.objects.select_related("connection", "event").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    if is_ordered(delivery.connection) and (
        Delivery.objects.filter(
            connection_id=delivery.connection_id,
            status=DeliveryStatus.PENDING,
            event_id__lt=delivery.event_id,
        ).exists()
    ):
        return None
    if not Delivery.objects.filter(pk=delivery_id).due(now).update(claimed_until=_lease(now, 1)):
        return None
    pool = delivery_pool()
    endpoint = _endpoint(delivery.connection, pool)
    if endpoint.problem:
        outcomes = [Outcome(delivery, error=TransportError(endpoint.problem, permanent=True))]
    else:
        with pool.slot(endpoint.target):
            outcomes = Send(endpoint.target, [delivery], endpoint.send).run()
    deliveries_record(outcomes=outcomes)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, actor=None) -> Delivery:
    """Put a dead (or delivered) delivery back in the queue for a fresh series of attempts."""
    updated = Delivery.objects.filter(
        Q(status=DeliveryStatus.DEAD) | Q(status=DeliveryStatus.DELIVERED), pk=delivery.pk
    ).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
        dead_lettered_at=None,
    )
    if updated:
        logger.info("delivery %s redelivered by %s", delivery.pk, actor)
        task_on_commit("delivery_send", delivery.pk)
    delivery.refresh_from_db()
    return delivery
