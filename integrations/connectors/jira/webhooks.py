"""Jira's inbound webhook. Signed either way Jira signs: ``X-Hub-Signature: sha256=…``
(HMAC-SHA256 of the raw body, for webhooks registered in Jira's admin with a secret) or a JWT in
``Authorization`` (webhooks an app registered through the REST API, see ``jwt_auth.py``).

Every event the webhook can be subscribed to is accepted (2xx) and recorded once (by
``X-Atlassian-Webhook-Identifier``): ``jira:issue_created`` and ``jira:issue_updated`` are applied
like a pulled issue, ``jira:issue_deleted`` is reported on the sync page, the rest (comments,
worklogs, …) are recorded and ignored."""

from django.http import JsonResponse

from integrations.models import ConnectionKind

from ..inbound import WebhookView, reject
from ..services import jira_webhook_receive
from .jwt_auth import bearer_token, jira_jwt_valid


class JiraWebhookView(WebhookView):
    kind = ConnectionKind.JIRA
    signature_header = "X-Hub-Signature"

    def authenticated(self, request, connection, body: bytes) -> bool:
        token = bearer_token(request.headers.get("Authorization", ""))
        if token is None:
            return super().authenticated(request, connection, body)
        return jira_jwt_valid(
            token=token,
            secret=connection.secret(),
            method=request.method,
            path=request.path,
            query=request.META.get("QUERY_STRING", ""),
            issuer=connection.settings.get("jwt_issuer"),
        )

    def auth_failure_message(self) -> str:
        return "Missing or invalid X-Hub-Signature signature or Authorization JWT."

    def handle(self, request, connection, payload):
        event = payload.get("webhookEvent") if isinstance(payload, dict) else None
        if not isinstance(event, str) or not event:
            return reject(400, "webhookEvent: a Jira webhook event name is required.")
        issue = payload.get("issue")
        if event in ("jira:issue_created", "jira:issue_updated", "jira:issue_deleted") and not (
            isinstance(issue, dict) and issue.get("key")
        ):
            return reject(400, "issue: an issue with a key is required.")
        issue_id = issue.get("id") if isinstance(issue, dict) else None
        delivery_id = request.headers.get("X-Atlassian-Webhook-Identifier") or (
            f"{event}:{issue_id}:{payload.get('timestamp')}"
        )
        outcome = jira_webhook_receive(
            connection=connection,
            event=event,
            issue=issue if isinstance(issue, dict) else None,
            delivery_id=delivery_id,
        )
        return JsonResponse({"status": outcome, "event": event})
