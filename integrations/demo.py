"""Demo data for integrations (idempotent): maps first, then connectors, then adoption."""

from .connectors.analytics.demo import seed as seed_adoption
from .connectors.demo import seed as seed_connectors
from .kpis.demo import seed as seed_kpi_history
from .maps.demo import seed as seed_maps


def seed(*, scale: int = 1, stdout=None) -> dict:
    return {
        **seed_maps(scale=scale, stdout=stdout),
        **seed_connectors(scale=scale, stdout=stdout),
        **seed_adoption(scale=scale, stdout=stdout),
        # Last: spreads what the other demos created "now" over the past weeks.
        **seed_kpi_history(scale=scale, stdout=stdout),
    }
