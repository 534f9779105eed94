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


# Payload keys worth a line in Slack, in this order (what the apps put in their events).
DETAILS = [
    ("account", "account"),
    ("category", "category"),
    ("impact", "impact"),
    ("expected_health_impact", "expected health impact"),
    ("previous_rank", "previous rank"),
    ("rank", "rank"),
    ("previous_status", "previous status"),
    ("summary", "summary"),
]


def slack_text(event) -> str:
    payload = event.payload or {}
    headline = TITLES.get(event.topic, event.topic.replace("_", " ").capitalize())
    subject = (
        payload.get("title")
        or payload.get("item")
        or payload.get("name")
        or payload.get("feature")
        or ""
    )
    parts = [f"*{headline}*" + (f": {subject}" if subject else "")]
    for key, label in DETAILS:
        if payload.get(key) not in (None, ""):
            parts.append(f"{label}: {payload[key]}")
    url = payload.get("url")
    if url:
        parts.append(url if url.startswith("http") else settings.PORTAL_BASE_URL.rstrip("/") + url)
    return "\n".join(parts)
