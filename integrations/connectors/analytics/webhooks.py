"""Segment's inbound webhook, in every shape Segment's webhook destinations send:

- one event (the classic Webhooks destination, and Actions with batching off), or
  ``{"batch": [...]}`` (the tracking API's batch shape);
- a bare JSON array of events (Webhooks (Actions) with batching on).

Signed with ``X-Signature``: the hex HMAC-SHA1 of the request body with the shared secret; for an
Actions batch Segment signs the first event of the array (``JSON.stringify(payload[0])``) — both
are accepted. Every call type answers 2xx: tracks are counted (or held until their account is
known), group calls teach user → account, identify/page/screen/alias are counted as ignored. A
message already counted (by ``messageId``, or a content key when it has none) counts once."""

import hashlib
import json

from django.http import JsonResponse

from integrations.models import ConnectionKind

from ..inbound import WebhookView, reject, signature_valid
from ..services import analytics_events_receive


def first_element_text(body: bytes) -> bytes | None:
    """The raw text of the first element of a JSON array body, as it was sent."""
    text = body.decode("utf-8", errors="replace")
    start = len(text) - len(text.lstrip())
    if not text[start:].startswith("["):
        return None
    decoder = json.JSONDecoder()
    index = start + 1
    while index < len(text) and text[index].isspace():
        index += 1
    try:
        _, end = decoder.raw_decode(text, index)
    except ValueError:
        return None
    return text[index:end].encode()


class AnalyticsWebhookView(WebhookView):
    kind = ConnectionKind.ANALYTICS
    signature_header = "X-Signature"
    algorithm = hashlib.sha1

    def authenticated(self, request, connection, body: bytes) -> bool:
        if super().authenticated(request, connection, body):
            return True
        secret, given = connection.secret(), request.headers.get(self.signature_header, "")
        first = first_element_text(body)
        if not secret or not given or first is None:
            return False
        candidates = [first]
        try:  # Segment re-serialises the first event: compact, keys in their order
            parsed = json.loads(body)
            candidates.append(
                json.dumps(parsed[0], separators=(",", ":"), ensure_ascii=False).encode()
            )
        except (ValueError, IndexError, KeyError, TypeError):
            pass
        return any(
            signature_valid(secret=secret, body=c, header=given, algorithm=hashlib.sha1)
            for c in candidates
        )

    def handle(self, request, connection, payload):
        if isinstance(payload, list):
            events = payload
        elif isinstance(payload, dict) and "batch" in payload:
            events = payload["batch"]
        else:
            events = [payload]
        if not isinstance(events, list) or not events:
            return reject(400, "A Segment event, a batch or a JSON array of events is required.")
        result = analytics_events_receive(connection=connection, events=events)
        if result.counts.get("failed") and len(events) == 1:
            return reject(400, result.notes[0] if result.notes else "The event was not valid.")
        return JsonResponse({"status": "ok", **dict(result.counts), "errors": result.notes[:20]})
