"""The recompute as a background job: coalescing, failure, two at once, the real worker."""

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.expressions import RawSQL
from rest_framework.test import APIClient

from portal.models import Account, OutboxEvent
from roadmap import demand, scoring
from roadmap.models import RoadmapItem, ScoreSnapshot, ScoringDirtyItem, ScoringState, Vote
from roadmap.services import vote_cast
from roadmap.tasks import priorities_recompute, priorities_recompute_dirty
from tests.celery_worker import all_tasks_done, wait_for
from tests.factories import AccountFactory

from .factories import RoadmapItemFactory, VoteFactory

pytestmark = pytest.mark.django_db


def runs() -> int:
    state = ScoringState.objects.filter(pk=1).first()
    return state.runs if state else 0


@pytest.fixture
def not_eager(settings):
    """As in production: no recompute inside the request; the beat entry picks up the flag."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def _burst(rep, n=100):
    item = RoadmapItemFactory()
    accounts = AccountFactory.create_batch(n, csm_owner=rep)
    for account in accounts:
        with transaction.atomic():
            vote_cast(item=item, account=account, rep=rep, evidence="needed")
    return item


def test_a_burst_of_100_votes_is_one_recompute_on_the_next_beat_tick(
    not_eager, cs_rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = _burst(cs_rep)
    assert runs() == 0
    assert scoring.priorities_pending()
    assert ScoringDirtyItem.objects.count() == 1  # one item, however many votes
    priorities_recompute_dirty.apply()  # the beat entry, every 30 s
    priorities_recompute_dirty.apply()  # nothing changed since: no run
    assert runs() == 1
    item.refresh_from_db()
    assert item.rank == 1 and item.score_breakdown["accounts"] == 100


def test_eager_burst_in_one_transaction_is_one_recompute(
    eager, cs_rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        item = RoadmapItemFactory()
        for account in AccountFactory.create_batch(100, csm_owner=cs_rep):
            vote_cast(item=item, account=account, rep=cs_rep, evidence="needed")
    assert runs() == 1
    item.refresh_from_db()
    assert item.score_breakdown["votes"] == 100


def test_a_priority_request_from_another_app_schedules_a_recompute(
    eager, cs_rep, account, django_capture_on_commit_callbacks
):
    item = RoadmapItemFactory()
    Vote.objects.create(item=item, account=account, rep=cs_rep, evidence="e")
    with django_capture_on_commit_callbacks(execute=True):
        scoring.priorities_request(cause="a test", item_ids=[item.pk])
    item.refresh_from_db()
    assert item.rank == 1 and runs() == 1


def test_nightly_task_always_runs(cs_rep):
    RoadmapItemFactory()
    priorities_recompute.apply()
    priorities_recompute.apply()
    assert runs() == 2


def _scores():
    return list(RoadmapItem.objects.order_by("id").values_list("id", "score", "rank"))


@pytest.fixture
def scored(cs_rep):
    a, b = RoadmapItemFactory(), RoadmapItemFactory()
    VoteFactory(item=a, account=AccountFactory(csm_owner=cs_rep), rep=cs_rep)
    scoring.priorities_recompute()
    VoteFactory(item=b, account=AccountFactory(tier="enterprise", csm_owner=cs_rep), rep=cs_rep)
    return a, b


def test_a_broken_demand_source_leaves_scores_intact_and_the_flag_set(scored):
    before, snapshots = _scores(), ScoreSnapshot.objects.count()
    saved = demand.demand_sources()
    # A source whose SQL fails inside the database.
    demand.register_demand_source(
        "broken",
        lambda: Account.objects.annotate(
            item_id=RawSQL("no_such_column", []),
            account_id=F("id"),
            level=Value("high"),
            actor_id=F("csm_owner"),
        ),
    )
    try:
        scoring.priorities_mark_dirty()
        with pytest.raises(Exception, match="no_such_column"):
            priorities_recompute_dirty.apply(throw=True)
    finally:
        demand._sources.clear()
        demand._sources.update(saved)
    assert _scores() == before
    assert ScoreSnapshot.objects.count() == snapshots
    state = ScoringState.objects.get()
    assert state.dirty_since is not None and "no_such_column" in state.last_error
    priorities_recompute_dirty.apply()  # the next tick succeeds
    assert _scores() != before


def test_a_failure_after_the_write_rolls_everything_back(scored, monkeypatch):
    before, snapshots = _scores(), ScoreSnapshot.objects.count()
    events = OutboxEvent.objects.count()

    def fail(changes):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(scoring, "_record_rank_events", fail)
    with pytest.raises(RuntimeError):
        scoring.priorities_recompute()
    assert _scores() == before
    assert ScoreSnapshot.objects.count() == snapshots
    assert OutboxEvent.objects.count() == events


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_run_one_after_the_other(cs_rep):
    items = RoadmapItemFactory.create_batch(20)
    for n, item in enumerate(items):
        for account in AccountFactory.create_batch(n % 4 + 1, csm_owner=cs_rep):
            Vote.objects.create(item=item, account=account, rep=cs_rep, evidence="e")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            scoring.priorities_recompute()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ScoreSnapshot.objects.count() == 40
    ranks = sorted(RoadmapItem.objects.values_list("rank", flat=True))
    assert ranks == list(range(1, 21))
    # The second run saw the first one's ranks: one event per item, not two.
    assert OutboxEvent.objects.filter(topic="roadmap_priority_changed").count() == 20
    assert ScoringState.objects.get().runs == 2


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_turns_100_api_votes_into_one_recompute(worker, cs_rep):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    item = RoadmapItemFactory()
    client = APIClient()
    client.force_authenticate(cs_rep)
    for account in AccountFactory.create_batch(100, csm_owner=cs_rep):
        body = {"account": account.pk, "evidence": "needed", "expected_health_impact": "high"}
        assert client.post(f"/api/v1/cs-product/vote/{item.pk}", body).status_code == 201
    # Three beat ticks queued behind each other: the first recomputes, the others find no work.
    for _ in range(3):
        priorities_recompute_dirty.delay()
    assert wait_for(lambda: runs() >= 1), "the worker did not recompute"
    assert wait_for(all_tasks_done)
    assert runs() == 1
    item.refresh_from_db()
    assert item.rank == 1
    assert item.score_breakdown["votes"] == 100
    assert item.score > Decimal(0)
