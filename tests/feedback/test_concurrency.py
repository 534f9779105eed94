"""Races on PostgreSQL: the same Idempotency-Key sent twice at once, one account joined twice."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from feedback import services
from feedback.models import FeedbackTicket, IdempotencyKey, TicketAccount
from tests.factories import AccountFactory, CsRepFactory
from tests.races import race

from .factories import TicketFactory

THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_write_once():
    rep = CsRepFactory(username="race_rep")
    account = AccountFactory(csm_owner=rep)
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
    rep = CsRepFactory(username="race_join")
    account = AccountFactory(csm_owner=rep)  # its rep's "add my account", sent several times
    jobs = [lambda: services.ticket_join(ticket=ticket, account=account, actor=rep)] * THREADS
    results = race(jobs)
    assert sum(isinstance(r, TicketAccount) for r in results) == 1
    assert TicketAccount.objects.filter(ticket=ticket, account=account).count() == 1
    ticket.refresh_from_db()
    assert ticket.account_count == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_batch_service_raced_with_one_key_writes_once():
    rep = CsRepFactory(username="race_service_rep")
    account = AccountFactory(csm_owner=rep)
    items = [
        {"account": account, "title": f"Race {i}", "description": "d", "category": "bug",
         "impact": "high", "source": "email"}
        for i in range(2)
    ]  # fmt: skip

    def submit():
        return services.feedback_submit_batch(submitter=rep, items=items, idempotency_key="k")

    answers = race([submit] * THREADS)
    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert sum(not a.replayed for a in answers) == 1
    assert FeedbackTicket.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1
