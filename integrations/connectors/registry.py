"""What each kind of connection is: the one place that maps a ``ConnectionKind`` to its connector.

Each connector (``jira``, ``crm``, ``analytics``, ``outbound``) describes itself in its
``<tool>/connector.py`` and registers there; ``IntegrationsConfig.ready()`` imports those modules.
Runs, the ``Connection`` model, the webhook URLs and the sync page ask this registry instead of
branching on kinds. This module imports nothing of the project, so anything may import it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Connector:
    """One kind of connection.

    ``validate_settings(settings) -> {"field": "message"}`` checks the per-kind options (and may
    name ``base_url``); ``syncer`` pulls (a ``Syncer`` subclass), ``import_syncer`` imports files;
    ``webhook`` is the inbound webhook view (served at ``hooks/<kind>/<pk>``, URL name
    ``hook-<kind>``); ``client`` is the HTTP client class; ``outbound`` connections receive outbox
    events; ``settings_summary(settings) -> [(setting, value in effect, note)]`` is shown on the
    connection page (defaults included)."""

    kind: str
    client: type | None = None
    syncer: type | None = None
    import_syncer: type | None = None
    webhook: type | None = None
    needs_base_url: bool = False
    outbound: bool = False
    validate_settings: Callable[[dict], dict[str, str]] = field(default=lambda settings: {})
    settings_summary: Callable[[dict], list[tuple[str, str, str]]] = field(
        default=lambda settings: []
    )

    @property
    def is_pull(self) -> bool:
        return self.syncer is not None

    @property
    def webhook_url_name(self) -> str | None:
        return f"hook-{self.kind}" if self.webhook else None


_connectors: dict[str, Connector] = {}


def register(connector: Connector) -> Connector:
    _connectors[str(connector.kind)] = connector
    return connector


def connector_for(kind: str) -> Connector:
    """The connector of ``kind``; an unregistered kind has no abilities (nothing to pull, no
    webhook, no settings to check)."""
    return _connectors.get(str(kind)) or Connector(kind=str(kind))


def connectors() -> list[Connector]:
    return [_connectors[kind] for kind in sorted(_connectors)]


def pull_kinds() -> list[str]:
    return [c.kind for c in connectors() if c.is_pull]


def outbound_kinds() -> list[str]:
    return [c.kind for c in connectors() if c.outbound]
