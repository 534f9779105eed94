"""The Jira Cloud connector: its client, its pull (issue status → item status), its webhook and
what its settings may hold."""

import re
import zoneinfo

from integrations.models import ConnectionKind

from ..registry import Connector, register
from .client import JiraClient
from .sync import JiraSyncer
from .webhooks import JiraWebhookView

JIRA_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,19}")


def validate_settings(settings: dict) -> dict[str, str]:
    project = settings.get("project_key")
    if project is not None and not JIRA_KEY.fullmatch(str(project)):
        return {"settings": "project_key must be a Jira project key, like PROD."}
    zone = settings.get("timezone")
    if zone is not None:
        try:
            zoneinfo.ZoneInfo(str(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return {"settings": f"timezone {zone!r} is not a time zone name, like Europe/Paris."}
    return {}


JIRA = register(
    Connector(
        kind=ConnectionKind.JIRA,
        client=JiraClient,
        syncer=JiraSyncer,
        webhook=JiraWebhookView,
        needs_base_url=True,
        validate_settings=validate_settings,
    )
)
