from django.apps import AppConfig

from portal.roles import merge_role_permissions

from .connectors.roles import ROLE_PERMISSIONS as CONNECTOR_ROLE_PERMISSIONS
from .maps.roles import ROLE_PERMISSIONS as MAP_ROLE_PERMISSIONS


class IntegrationsConfig(AppConfig):
    name = "integrations"
    role_permissions = merge_role_permissions(MAP_ROLE_PERMISSIONS, CONNECTOR_ROLE_PERMISSIONS)

    def ready(self) -> None:
        # Registers the outbox subscriber for outbound deliveries (webhooks, Slack).
        from .connectors.outbound import subscriber  # noqa: F401
