"""Segment's inbound webhook: track events (one, or a ``batch``) signed with ``X-Signature`` (hex
HMAC-SHA1 of the body, as Segment's webhook destination signs). A message already counted (by
``messageId``) counts once."""

import hashlib

from django.http import JsonResponse

from integrations.models import ConnectionKind

from ..inbound import WebhookView, reject
from ..services import analytics_events_receive


class AnalyticsWebhookView(WebhookView):
    kind = ConnectionKind.ANALYTICS
    signature_header = "X-Signature"
    algorithm = hashlib.sha1

    def handle(self, request, connection, payload):
        events = (
            payload.get("batch") if isinstance(payload, dict) and "batch" in payload else [payload]
        )
        if not isinstance(events, list) or not events:
            return reject(400, "batch: a list of track events is required.")
        result = analytics_events_receive(connection=connection, events=events)
        if result.counts.get("failed") and len(events) == 1:
            return reject(400, result.notes[0] if result.notes else "The event was not valid.")
        return JsonResponse({"status": "ok", **dict(result.counts), "errors": result.notes[:20]})
