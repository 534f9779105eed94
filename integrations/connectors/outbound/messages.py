"""What an outbox event looks like to a webhook receiver (a JSON envelope) and to Slack (text)."""

import json

from django.conf import settings

TITLES = {
    "feedback_submitted": "New feedback",
    "vote_cast": "Vote cast",
    "roadmap_priority_changed": "Roadmap priorities changed",
    "item_shipped": "Shipped",
    "adoption_insight": "Adoption insight",
}


def envelope(event) -> bytes:
    body = {
        "id": str(event.pk),
        "topic": event.topic,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(body, sort_keys=True, default=str).encode()


def slack_text(event) -> str:
    payload = event.payload or {}
    headline = TITLES.get(event.topic, event.topic.replace("_", " ").capitalize())
    subject = payload.get("title") or payload.get("name") or payload.get("feature") or ""
    parts = [f"*{headline}*" + (f": {subject}" if subject else "")]
    for key in ("account", "account_name", "previous_status", "impact", "summary"):
        if payload.get(key):
            parts.append(f"{key.replace('_', ' ')}: {payload[key]}")
    url = payload.get("url")
    if url:
        parts.append(url if url.startswith("http") else settings.PORTAL_BASE_URL.rstrip("/") + url)
    return "\n".join(parts)
