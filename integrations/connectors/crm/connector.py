"""The CRM connector (HubSpot companies → portal accounts): its client, its pull and what its
settings may hold. It has no webhook."""

from integrations.models import ConnectionKind

from ..registry import Connector, register
from .client import HubSpotClient
from .sync import DEFAULT_PROPERTIES, CrmSyncer


def validate_settings(settings: dict) -> dict[str, str]:
    properties = settings.get("properties", {})
    if not isinstance(properties, dict):
        return {"settings": "properties must be an object of field → CRM property name."}
    unknown = sorted(set(properties) - set(DEFAULT_PROPERTIES))
    if unknown:
        known = ", ".join(sorted(DEFAULT_PROPERTIES))
        return {"settings": f"Unknown properties: {', '.join(unknown)} (known: {known})."}
    if not all(isinstance(v, str) and v for v in properties.values()):
        return {"settings": "Each CRM property name must be a non-empty string."}
    return {}


CRM = register(
    Connector(
        kind=ConnectionKind.CRM,
        client=HubSpotClient,
        syncer=CrmSyncer,
        needs_base_url=True,
        validate_settings=validate_settings,
    )
)
