"""The Jira Cloud connector: its client, its pull (issue status → item status), its webhook and
what its settings may hold."""

import re
import zoneinfo

from integrations.models import ConnectionKind

from ..registry import Connector, register
from .client import JiraClient
from .status_map import status_map_rows, validate_status_map
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
    problem = validate_status_map(settings.get("status_map"))
    if problem:
        return {"settings": problem}
    issuer = settings.get("jwt_issuer")
    if issuer is not None and not (isinstance(issuer, str) and issuer):
        return {"settings": "jwt_issuer must be the app's client key (a string)."}
    return {}


def settings_summary(settings: dict) -> list[tuple[str, str, str]]:
    rows = [
        (
            f"status_map.{key}",
            f"{name} → {target}",
            "default" if is_default else "set on this connection",
        )
        for key, name, target, is_default in status_map_rows(settings)
    ]
    rows.append(
        (
            "jwt_issuer",
            settings.get("jwt_issuer") or "any",
            "JWT-signed webhooks (app-registered) must come from this client key",
        )
    )
    return rows


JIRA = register(
    Connector(
        kind=ConnectionKind.JIRA,
        client=JiraClient,
        syncer=JiraSyncer,
        webhook=JiraWebhookView,
        needs_base_url=True,
        validate_settings=validate_settings,
        settings_summary=settings_summary,
    )
)
