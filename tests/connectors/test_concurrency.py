"""Races on PostgreSQL: two workers claiming one run, two deliveries of the same events at once."""

import threading

import pytest
from django.db import connection as db_connection

from integrations.connectors.analytics.sync import usage_apply_events
from integrations.connectors.runs import sync_run_claim
from integrations.models import ConnectionKind, FeatureUsage, ProcessedMessage, SyncRun
from tests.factories import AccountFactory

from .factories import ConnectionFactory


def race(target, n=2):
    """Run ``target`` in ``n`` threads released together; returns their results."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claim_a_run_once():
    run = SyncRun.objects.create(connection=ConnectionFactory(kind=ConnectionKind.CRM))
    results = race(lambda: sync_run_claim(run_id=run.pk), n=4)
    assert sum(r is not None for r in results) == 1
    assert SyncRun.objects.get(pk=run.pk).attempts == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_events_delivered_twice_at_once_count_once():
    AccountFactory(analytics_id="grp-1")
    analytics = ConnectionFactory(kind=ConnectionKind.ANALYTICS, base_url="")
    events = [
        {
            "type": "track",
            "event": "Feature Used",
            "messageId": f"m-{n}",
            "userId": f"u-{n % 3}",
            "timestamp": "2026-11-20T10:00:00Z",
            "properties": {"feature": "sso"},
            "context": {"groupId": "grp-1"},
        }
        for n in range(50)
    ]
    results = race(lambda: usage_apply_events(connection=analytics, events=events), n=3)
    assert sum(r.counts["created"] for r in results) == 50
    assert ProcessedMessage.objects.count() == 50
    usage = FeatureUsage.objects.get()
    assert (usage.events, usage.users) == (50, 3)
