"""Races on PostgreSQL: the same Idempotency-Key sent twice at once, one account joined twice."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from feedback import services
from feedback.models import FeedbackTicket, IdempotencyKey, TicketAccount
from tests.factories import AccountFactory, CsRepFactory

from .factories import TicketFactory

THREADS = 6


def race(jobs):
    barrier = threading.Barrier(len(jobs))
    results, lock = [], threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=30)
            result = job()
        except Exception as exc:
            result = exc
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(jobs)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_write_once():
    rep = CsRepFactory(username="race_rep")
    account = AccountFactory()
    body = [
        {"account": account.pk, "title": f"Race {i}", "description": "d", "category": "bug",
         "impact": "high", "source": "email"}
        for i in range(3)
    ]  # fmt: skip

    def post():
        client = APIClient()
        client.force_authenticate(rep)
        response = client.post(
            reverse("api-feedback-submit"), body, format="json", HTTP_IDEMPOTENCY_KEY="race-1"
        )
        return response.status_code, response.json()

    results = race([post] * THREADS)
    assert {code for code, _ in results} == {201}
    assert len({str(payload) for _, payload in results}) == 1  # every caller got the same answer
    assert FeedbackTicket.objects.count() == 3
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_account_joined_concurrently_lands_once():
    ticket = TicketFactory()
    account = AccountFactory()
    reps = [CsRepFactory(username=f"race_join_{i}") for i in range(THREADS)]
    jobs = [
        (lambda rep=rep: services.ticket_join(ticket=ticket, account=account, actor=rep))
        for rep in reps
    ]
    results = race(jobs)
    assert sum(isinstance(r, TicketAccount) for r in results) == 1
    assert TicketAccount.objects.filter(ticket=ticket, account=account).count() == 1
    ticket.refresh_from_db()
    assert ticket.account_count == 2
