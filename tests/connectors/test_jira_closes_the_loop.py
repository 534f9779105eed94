"""Across the apps: Jira says done → the roadmap item ships → its feedback ships → the requesters
hear about it (the feedback app's subscriber), and the outbound webhook gets ``item_shipped``.
Skipped until the feedback app with its close-the-loop subscriber is installed."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from roadmap.services import roadmap_item_create
from tests.factories import AccountFactory

feedback_services = pytest.importorskip("feedback.services")
if not hasattr(feedback_services, "feedback_submit"):
    pytest.skip("the feedback app is not merged yet", allow_module_level=True)


@pytest.mark.django_db
def test_jira_done_ships_the_feedback_and_tells_the_requester(
    eager_celery_here, client, jira, cs_rep, pm, mailoutbox, django_capture_on_commit_callbacks
):
    from feedback.models import FeedbackTicket

    item = roadmap_item_create(title="Bulk CSV export", jira_key="PROD-5", status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = feedback_services.feedback_submit(
            account=AccountFactory(name="Acme", csm_owner=cs_rep),
            submitter=cs_rep,
            title="Export everything to CSV",
            description="Needs all columns.",
            category="feature_request",
            impact="high",
            source="call",
        )
        feedback_services.ticket_link_item(ticket=ticket, item=item, actor=pm)
    mailoutbox.clear()

    body = json.dumps(
        {
            "timestamp": 1763720000000,
            "webhookEvent": "jira:issue_updated",
            "issue": {
                "id": "10005",
                "key": "PROD-5",
                "fields": {
                    "summary": "Bulk CSV export",
                    "status": {"name": "Done", "statusCategory": {"key": "done"}},
                    "updated": "2026-11-20T10:15:30.000+0000",
                },
            },
        }
    ).encode()
    signature = "sha256=" + hmac.new(b"jira-webhook-secret", body, hashlib.sha256).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hook-jira", args=[jira.pk]),
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature": signature, "X-Atlassian-Webhook-Identifier": "d-1"},
        )
    assert response.status_code == 200, response.content
    assert FeedbackTicket.objects.get(pk=ticket.pk).status == "shipped"
    assert [m.to[0] for m in mailoutbox] == [cs_rep.email]
    assert "Bulk CSV export" in mailoutbox[0].subject
