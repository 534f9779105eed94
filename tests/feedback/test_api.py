"""The CS–Product feedback API: batch submit, idempotency, status, ticket resources."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.models import FeedbackTicket, IdempotencyKey
from portal.models import OutboxEvent

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db
SUBMIT = reverse("api-feedback-submit")
TICKETS = reverse("api-feedback-ticket-list")


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def item(account_, **extra):
    return {
        "account": account_.pk,
        "title": "Bulk CSV export",
        "description": "Finance exports by hand.",
        "category": "feature_request",
        "impact": "high",
        "source": "email",
        **extra,
    }


def test_submit_one(cs_rep, account):
    response = api_for(cs_rep).post(SUBMIT, item(account, product_area="Reporting"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = FeedbackTicket.objects.get()
    assert body["id"] == ticket.pk
    assert body["status"] == "new"
    assert body["accounts"] == [account.pk]
    assert OutboxEvent.objects.filter(topic="feedback_submitted").count() == 1


def test_submit_a_batch(cs_rep, account):
    batch = [item(account, title=f"Request {i}") for i in range(50)]
    response = api_for(cs_rep).post(SUBMIT, batch, format="json")
    assert response.status_code == 201
    assert [t["title"] for t in response.json()] == [f"Request {i}" for i in range(50)]
    assert FeedbackTicket.objects.count() == 50
    assert OutboxEvent.objects.filter(topic="feedback_submitted").count() == 50


def test_a_batch_over_the_limit_is_refused(cs_rep, account):
    response = api_for(cs_rep).post(SUBMIT, [item(account)] * 51, format="json")
    assert response.status_code == 400
    assert "at most 50" in response.json()["detail"]
    assert not FeedbackTicket.objects.exists()


def test_one_bad_item_writes_nothing_and_names_index_and_field(cs_rep, account):
    batch = [item(account), item(account), item(account, impact="huge"), item(account, title="")]
    response = api_for(cs_rep).post(SUBMIT, batch, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"2", "3"}
    assert "impact" in body["errors"]["2"]
    assert "title" in body["errors"]["3"]
    assert "item 2: impact" in body["detail"]
    assert not FeedbackTicket.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("account", 999999), ("category", "wish"), ("source", ""), ("description", None)],
)
def test_single_bad_field_is_named(cs_rep, account, field, value):
    response = api_for(cs_rep).post(SUBMIT, item(account, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not FeedbackTicket.objects.exists()


def test_idempotency_key_replays_the_first_response(cs_rep, account):
    client = api_for(cs_rep)
    batch = [item(account, title="A"), item(account, title="B")]
    first = client.post(SUBMIT, batch, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    retry = client.post(SUBMIT, batch, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content  # byte for byte, key order included
    assert retry["Idempotent-Replayed"] == "true"
    assert FeedbackTicket.objects.count() == 2
    assert IdempotencyKey.objects.get().user == cs_rep
    # The same key with another body is a client error, not a silent replay.
    other = client.post(
        SUBMIT, [item(account, title="C")], format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert other.status_code == 422
    # Another key writes again.
    assert (
        client.post(SUBMIT, batch, format="json", HTTP_IDEMPOTENCY_KEY="abc-2").status_code == 201
    )
    assert FeedbackTicket.objects.count() == 4


def test_status_endpoint(cs_rep, pm):
    ticket = TicketFactory(submitter=cs_rep)
    url = reverse("api-feedback-status", args=[ticket.pk])
    body = api_for(cs_rep).get(url).json()
    assert body["status"] == "new"
    assert body["roadmap_item"] is None
    assert body["delivery_estimate"] is None
    item_ = RoadmapItemFactory(
        title="Bulk CSV", status="in_progress", rank=3, launch_date=dt.date(2027, 5, 1)
    )
    ticket.roadmap_item = item_
    ticket.save()
    body = api_for(pm).get(url).json()
    assert body["roadmap_item"] == {
        "id": item_.pk,
        "title": "Bulk CSV",
        "status": "in_progress",
        "rank": 3,
    }
    assert body["delivery_estimate"] == "2027-05-01"
    item_.target_date = dt.date(2027, 4, 1)
    item_.save()
    assert api_for(cs_rep).get(url).json()["delivery_estimate"] == "2027-04-01"
    assert APIClient().get(url).status_code in (401, 403)
    assert api_for(pm).get(reverse("api-feedback-status", args=[999999])).status_code == 404


def test_permissions(cs_rep, pm, portal_admin, outsider, account):
    ticket = TicketFactory()
    assert api_for(pm).post(SUBMIT, item(account), format="json").status_code == 403
    assert api_for(outsider).post(SUBMIT, item(account), format="json").status_code == 403
    assert api_for(portal_admin).get(TICKETS).status_code == 200
    assert api_for(outsider).get(TICKETS).status_code == 403
    detail = reverse("api-feedback-ticket-detail", args=[ticket.pk])
    assert api_for(cs_rep).patch(detail, {"impact": "low"}, format="json").status_code == 403
    response = api_for(pm).patch(detail, {"impact": "low", "status": "triaged"}, format="json")
    assert response.status_code == 200
    assert (response.json()["impact"], response.json()["status"]) == ("low", "triaged")
    refused = api_for(pm).patch(detail, {"status": "closed"}, format="json")
    assert refused.status_code == 400
    assert "status" in refused.json()
    assert api_for(pm).delete(detail).status_code == 405  # no delete: decline or merge


def test_ticket_list_filters_and_query_count(cs_rep, pm, account, django_assert_max_num_queries):
    for i in range(30):
        TicketFactory(account=account, impact="blocker" if i % 2 else "low")
    client = api_for(pm)
    client.get(TICKETS)
    with django_assert_max_num_queries(8):
        response = client.get(TICKETS, {"impact": "blocker"})
    assert response.json()["count"] == 15
    for _ in range(100):
        TicketFactory(account=account, impact="blocker")
    with django_assert_max_num_queries(8):
        response = client.get(TICKETS, {"impact": "blocker"})
    assert response.json()["count"] == 115
    created = client.post(TICKETS, item(account), format="json")
    assert created.status_code == 403  # PMs do not submit
    created = api_for(cs_rep).post(TICKETS, item(account), format="json")
    assert created.status_code == 201


def test_session_auth_works_for_the_browser(client_for, cs_rep, account):
    client = client_for(cs_rep)
    response = client.post(SUBMIT, item(account), content_type="application/json")
    assert response.status_code == 201
    status_url = reverse("api-feedback-status", args=[response.json()["id"]])
    assert client.get(status_url).json()["status"] == "new"


def test_tickets_cannot_be_deleted(cs_rep, pm, portal_admin):
    """Feedback is declined or merged, never deleted: DELETE is not a method of the resource."""
    ticket = TicketFactory()
    detail = reverse("api-feedback-ticket-detail", args=[ticket.pk])
    for user in (cs_rep, pm, portal_admin):
        response = api_for(user).delete(detail)
        assert response.status_code == 405, user
        assert "DELETE" not in response["Allow"]
    assert APIClient().delete(detail).status_code in (401, 403)
    assert FeedbackTicket.objects.filter(pk=ticket.pk).exists()


def test_api_triage_is_the_triage_service(pm, django_capture_on_commit_callbacks):
    """The same service as the triage form: history reasons, the item linked, the workflow."""
    ticket = TicketFactory()
    item_ = RoadmapItemFactory()
    detail = reverse("api-feedback-ticket-detail", args=[ticket.pk])
    response = api_for(pm).patch(
        detail,
        {"roadmap_item": item_.pk, "impact": "blocker", "product_area": "  API  "},
        format="json",
    )
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert (ticket.roadmap_item, ticket.impact, ticket.product_area) == (item_, "blocker", "API")
    reasons = list(ticket.history.values_list("history_change_reason", flat=True))
    assert "Triaged" in reasons and f"Linked to roadmap item #{item_.pk}" in reasons
    declined = api_for(pm).patch(detail, {"status": "declined"}, format="json")
    assert declined.status_code == 400
    assert "declined_reason" in declined.json()
    unlinked = api_for(pm).patch(detail, {"roadmap_item": None}, format="json")
    assert unlinked.json()["roadmap_item"] is None
