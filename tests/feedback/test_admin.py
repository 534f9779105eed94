"""The feedback admin: every page opens, service-owned fields are read-only, nothing is added or
deleted, and the triage edit goes through the triage service."""

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import FeedbackTicket, IdempotencyKey, ShipNotification
from portal.models import User

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "x")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_feedback_admin_page_opens(admin_client, cs_rep):
    ticket = TicketFactory()
    objects = {
        "feedbackticket": ticket,
        "ticketaccount": ticket.ticket_accounts.get(),
        "shipnotification": ShipNotification.objects.create(
            ticket=ticket, recipient=cs_rep, email="rep@example.com"
        ),
        "idempotencykey": IdempotencyKey.objects.create(
            key="k", user=cs_rep, request_hash="h", status_code=201, response="[]"
        ),
        "triageaction": services.ticket_set_status(
            ticket=TicketFactory(), status="declined", actor=cs_rep, reason="Out of scope"
        ).last_action,
    }
    for model, obj in objects.items():
        changelist = admin_client.get(reverse(f"admin:feedback_{model}_changelist") + "?q=a")
        assert changelist.status_code == 200, model
        change = admin_client.get(reverse(f"admin:feedback_{model}_change", args=[obj.pk]))
        assert change.status_code == 200, model
        assert admin_client.get(reverse(f"admin:feedback_{model}_add")).status_code == 403, model
        delete = reverse(f"admin:feedback_{model}_delete", args=[obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403, model


def test_triage_in_the_admin_goes_through_the_service(admin_client, superuser):
    ticket = TicketFactory(impact="low")
    item = RoadmapItemFactory()
    url = reverse("admin:feedback_feedbackticket_change", args=[ticket.pk])
    data = {
        "product_area": " Reporting ",
        "category": "bug",
        "impact": "blocker",
        # Read-only fields are ignored even when posted.
        "status": "shipped",
        "roadmap_item": item.pk,
        "title": "Changed",
    }
    for prefix, count in (("ticket_accounts", 1), ("attachments", 0), ("ship_notifications", 0)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": count,
                f"{prefix}-INITIAL_FORMS": count,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    ticket = FeedbackTicket.objects.get(pk=ticket.pk)
    assert (ticket.product_area, ticket.category, ticket.impact) == ("Reporting", "bug", "blocker")
    assert (ticket.status, ticket.roadmap_item, ticket.title) == ("new", None, ticket.title)
    assert ticket.title != "Changed"
    record = ticket.history.first()
    assert (record.history_change_reason, record.history_user) == ("Triaged", superuser)
