"""The product-analytics connector (Segment track events): file imports, its webhook and what its
settings may hold. It pulls nothing and has no HTTP client."""

from integrations.models import ConnectionKind

from ..registry import Connector, register
from .holding import HELD_MAX, HELD_RETENTION_DAYS
from .sync import AnalyticsImportSyncer
from .webhooks import AnalyticsWebhookView

OPTIONS = ("account_property", "feature_property", "account_trait")
LIMITS = {"held_max": (1, 1_000_000), "held_retention_days": (1, 365)}


def validate_settings(settings: dict) -> dict[str, str]:
    bad = [name for name in OPTIONS if name in settings and not isinstance(settings[name], str)]
    if bad:
        return {"settings": f"{', '.join(bad)} must be a property name (a string)."}
    for name, (low, high) in LIMITS.items():
        value = settings.get(name)
        if value is not None and not (
            isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        ):
            return {"settings": f"{name} must be a whole number from {low} to {high}."}
    return {}


def settings_summary(settings: dict) -> list[tuple[str, str, str]]:
    def row(name, default, note):
        value = settings.get(name)
        shown = value if value not in (None, "") else default
        return (name, str(shown), note + ("" if value not in (None, "") else " (default)"))

    return [
        row("account_property", "account_id", "track property naming the account"),
        row("account_trait", "—", "context.traits key naming the account"),
        row("feature_property", "feature", "track property naming the feature, else the event"),
        row("held_max", HELD_MAX, "events held at most for unknown accounts (oldest dropped)"),
        row("held_retention_days", HELD_RETENTION_DAYS, "days a held event is kept"),
    ]


ANALYTICS = register(
    Connector(
        kind=ConnectionKind.ANALYTICS,
        import_syncer=AnalyticsImportSyncer,
        webhook=AnalyticsWebhookView,
        validate_settings=validate_settings,
        settings_summary=settings_summary,
    )
)
