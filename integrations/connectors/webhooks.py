"""Inbound webhooks: Jira ``jira:issue_updated`` (``X-Hub-Signature: sha256=…`` HMAC-SHA256 of the
raw body) and Segment track events (``X-Signature``: hex HMAC-SHA1 of the body, as Segment's
webhook destination signs). Anything unsigned, wrongly signed or of another kind is rejected and
nothing is stored; a replayed delivery is stored once."""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from integrations.models import Connection, ConnectionKind, WebhookReceipt

from .analytics.sync import usage_apply_events
from .jira.sync import jira_issue_apply

logger = logging.getLogger(__name__)


def _reject(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def signature_valid(*, secret: str, body: bytes, header: str, algorithm) -> bool:
    if not secret or not header:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    given = header.split("=", 1)[1] if "=" in header else header
    return hmac.compare_digest(expected, given.strip().lower())


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    """Shared checks: a known, enabled connection of the right kind, a configured secret, a valid
    signature, a POST with a JSON body under the size limit."""

    kind: str
    signature_header: str
    algorithm = hashlib.sha256

    def dispatch(self, request, pk: int):
        connection = Connection.objects.filter(pk=pk, kind=self.kind, enabled=True).first()
        body = request.body if request.method == "POST" else b""
        if len(body) > settings.CONNECTOR_WEBHOOK_MAX_BYTES:
            return _reject(413, "The body is too large.")
        header = request.headers.get(self.signature_header, "")
        if connection is None or not signature_valid(
            secret=connection.secret(), body=body, header=header, algorithm=self.algorithm
        ):
            # Same answer for unknown connections and bad signatures: nothing to probe.
            return _reject(401, f"Missing or invalid {self.signature_header} signature.")
        if request.method != "POST":
            return _reject(405, "Only POST is accepted.")
        try:
            payload = json.loads(body)
        except ValueError:
            return _reject(400, "The body is not JSON.")
        return self.handle(request, connection, payload)

    def handle(self, request, connection, payload):
        raise NotImplementedError


class JiraWebhookView(WebhookView):
    kind = ConnectionKind.JIRA
    signature_header = "X-Hub-Signature"

    def handle(self, request, connection, payload):
        if not isinstance(payload, dict) or payload.get("webhookEvent") != "jira:issue_updated":
            return _reject(400, "webhookEvent: only jira:issue_updated is accepted.")
        issue = payload.get("issue")
        if not isinstance(issue, dict) or not issue.get("key"):
            return _reject(400, "issue: an issue with a key is required.")
        delivery_id = request.headers.get("X-Atlassian-Webhook-Identifier") or (
            f"{issue.get('id')}:{payload.get('timestamp')}"
        )
        try:
            with transaction.atomic():
                WebhookReceipt.objects.create(
                    connection=connection, delivery_id=delivery_id[:200], event="jira:issue_updated"
                )
                outcome = jira_issue_apply(connection=connection, issue=issue)
        except IntegrityError:
            return JsonResponse({"status": "duplicate"})
        return JsonResponse({"status": outcome})


class AnalyticsWebhookView(WebhookView):
    kind = ConnectionKind.ANALYTICS
    signature_header = "X-Signature"
    algorithm = hashlib.sha1

    def handle(self, request, connection, payload):
        events = (
            payload.get("batch") if isinstance(payload, dict) and "batch" in payload else [payload]
        )
        if not isinstance(events, list) or not events:
            return _reject(400, "batch: a list of track events is required.")
        result = usage_apply_events(connection=connection, events=events)
        if result.counts.get("failed") and len(events) == 1:
            return _reject(400, result.notes[0] if result.notes else "The event was not valid.")
        return JsonResponse({"status": "ok", **dict(result.counts), "errors": result.notes[:20]})
