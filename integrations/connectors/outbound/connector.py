"""The outbound connectors (signed webhooks and Slack): their clients and the events they take."""

from integrations.models import OUTBOUND_TOPICS, ConnectionKind

from ..registry import Connector, register
from .client import SlackClient, WebhookClient


def validate_settings(settings: dict) -> dict[str, str]:
    events = settings.get("events", [])
    if not isinstance(events, list):
        return {"settings": "events must be a list of topics."}
    unknown = [str(e) for e in events if e not in OUTBOUND_TOPICS]
    if unknown:
        return {"settings": f"Unknown events: {', '.join(unknown)}."}
    if not isinstance(settings.get("ordered", False), bool):
        return {"settings": "ordered must be true or false."}
    return {}


WEBHOOK = register(
    Connector(
        kind=ConnectionKind.WEBHOOK,
        client=WebhookClient,
        needs_base_url=True,
        outbound=True,
        validate_settings=validate_settings,
    )
)
SLACK = register(
    Connector(
        kind=ConnectionKind.SLACK,
        client=SlackClient,
        outbound=True,
        validate_settings=validate_settings,
    )
)
