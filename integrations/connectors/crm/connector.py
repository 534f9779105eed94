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
    segment_map = settings.get("segment_map", {})
    if not isinstance(segment_map, dict) or not all(
        isinstance(v, str) or v is None for v in segment_map.values()
    ):
        return {
            "settings": "segment_map must be an object of CRM industry value → portal segment "
            '(a string, or null to leave the segment alone), e.g. {"COMPUTER_SOFTWARE": "saas"}.'
        }
    return {}


def settings_summary(settings: dict) -> list[tuple[str, str, str]]:
    properties = settings.get("properties") if isinstance(settings.get("properties"), dict) else {}
    rows = [
        (
            f"properties.{field}",
            properties.get(field, default),
            "set on this connection" if field in properties else "default",
        )
        for field, default in DEFAULT_PROPERTIES.items()
    ]
    segment_map = (
        settings.get("segment_map") if isinstance(settings.get("segment_map"), dict) else {}
    )
    if not segment_map:
        rows.append(("segment_map", "empty", "every industry value is reported, no segment set"))
    for industry, segment in sorted(segment_map.items()):
        rows.append((f"segment_map.{industry}", segment or "left alone", "set on this connection"))
    return rows


CRM = register(
    Connector(
        kind=ConnectionKind.CRM,
        client=HubSpotClient,
        syncer=CrmSyncer,
        needs_base_url=True,
        validate_settings=validate_settings,
        settings_summary=settings_summary,
    )
)
