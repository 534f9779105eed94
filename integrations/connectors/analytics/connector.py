"""The product-analytics connector (Segment track events): file imports, its webhook and what its
settings may hold. It pulls nothing and has no HTTP client."""

from integrations.models import ConnectionKind

from ..registry import Connector, register
from .sync import AnalyticsImportSyncer
from .webhooks import AnalyticsWebhookView

OPTIONS = ("account_property", "feature_property")


def validate_settings(settings: dict) -> dict[str, str]:
    bad = [name for name in OPTIONS if name in settings and not isinstance(settings[name], str)]
    if bad:
        return {"settings": f"{', '.join(bad)} must be a property name (a string)."}
    return {}


ANALYTICS = register(
    Connector(
        kind=ConnectionKind.ANALYTICS,
        import_syncer=AnalyticsImportSyncer,
        webhook=AnalyticsWebhookView,
        validate_settings=validate_settings,
    )
)
