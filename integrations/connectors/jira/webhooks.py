"""Jira's inbound webhook: ``jira:issue_updated`` signed with ``X-Hub-Signature: sha256=…``
(HMAC-SHA256 of the raw body). A replayed delivery (same ``X-Atlassian-Webhook-Identifier``) is
stored once."""

from django.http import JsonResponse

from integrations.models import ConnectionKind

from ..inbound import WebhookView, reject
from ..services import jira_webhook_receive


class JiraWebhookView(WebhookView):
    kind = ConnectionKind.JIRA
    signature_header = "X-Hub-Signature"

    def handle(self, request, connection, payload):
        if not isinstance(payload, dict) or payload.get("webhookEvent") != "jira:issue_updated":
            return reject(400, "webhookEvent: only jira:issue_updated is accepted.")
        issue = payload.get("issue")
        if not isinstance(issue, dict) or not issue.get("key"):
            return reject(400, "issue: an issue with a key is required.")
        delivery_id = request.headers.get("X-Atlassian-Webhook-Identifier") or (
            f"{issue.get('id')}:{payload.get('timestamp')}"
        )
        outcome = jira_webhook_receive(connection=connection, issue=issue, delivery_id=delivery_id)
        return JsonResponse({"status": outcome})
