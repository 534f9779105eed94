"""Capacity and the per-CSM cap hold when nominations race (row locks on PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from roadmap.betas import services
from roadmap.models import BetaParticipant
from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory

from ..factories import BetaProgramFactory

THREADS = 8


def race(jobs):
    """Run each job in its own thread (own database connection), all released together."""
    barrier = threading.Barrier(len(jobs))
    outcomes = []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
            result = "ok"
        except ValidationError as exc:
            result = " ".join(exc.messages)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(jobs), "a nomination thread did not finish"
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_concurrent_nominations():
    pm = ProductManagerFactory(username="race_pm")
    program = BetaProgramFactory(capacity=3)
    accounts = [AccountFactory() for _ in range(THREADS)]
    jobs = [
        (lambda a=a: services.beta_participant_nominate(program=program, account=a, actor=pm))
        for a in accounts
    ]
    outcomes = race(jobs)
    assert outcomes.count("ok") == 3
    assert BetaParticipant.objects.filter(program=program).count() == 3
    refusals = [o for o in outcomes if o != "ok"]
    assert all("the program is full: 3 of 3 places are taken" in o for o in refusals)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_per_csm_cap_holds_under_concurrent_nominations_in_different_programs():
    pm = ProductManagerFactory(username="race_pm2")
    csm = CsRepFactory(username="race_csm")
    programs = [BetaProgramFactory(per_csm_cap=2) for _ in range(THREADS)]
    accounts = [AccountFactory(csm_owner=csm) for _ in range(THREADS)]
    jobs = [
        (lambda p=p, a=a: services.beta_participant_nominate(program=p, account=a, actor=pm))
        for p, a in zip(programs, accounts, strict=True)
    ]
    outcomes = race(jobs)
    assert outcomes.count("ok") == 2
    assert BetaParticipant.objects.filter(csm=csm).count() == 2
    assert all("the cap is 2" in o for o in outcomes if o != "ok")
