from django.apps import AppConfig

from portal.roles import merge_role_permissions

from .connectors.roles import ROLE_PERMISSIONS as CONNECTOR_ROLE_PERMISSIONS
from .kpis.roles import ROLE_PERMISSIONS as KPI_ROLE_PERMISSIONS
from .maps.roles import ROLE_PERMISSIONS as MAP_ROLE_PERMISSIONS

CONNECTOR_TOOLS = ("jira", "crm", "analytics", "outbound")


class IntegrationsConfig(AppConfig):
    name = "integrations"
    role_permissions = merge_role_permissions(
        MAP_ROLE_PERMISSIONS, CONNECTOR_ROLE_PERMISSIONS, KPI_ROLE_PERMISSIONS
    )

    def ready(self) -> None:
        from importlib import import_module

        from portal.registry import NavEntry, Panel, register_nav, register_panel
        from portal.search import register_search_kind

        from . import home
        from .maps.search_kinds import POINTS

        register_search_kind(POINTS)

        # Each connector registers its kind (client, syncer, webhook, settings validation).
        for tool in CONNECTOR_TOOLS:
            import_module(f"integrations.connectors.{tool}.connector")
        # The outbox subscriber for outbound deliveries (webhooks, Slack).
        # Sync run outcomes and delivery backlog on /metrics.
        from portal.observability.metrics import register_metric_source

        from .connectors.metrics import connector_metrics
        from .connectors.outbound import subscriber  # noqa: F401

        register_metric_source(connector_metrics)

        register_nav(
            NavEntry(
                "Integration maps", "integrations:map-list", "integrations.view_integrationmap", 80
            )
        )
        register_nav(NavEntry("Sync", "integrations:sync", "integrations.view_syncrun", 90))
        self._register_adoption(register_panel, Panel)
        register_panel(
            "roadmap_item_actions",
            Panel(
                "integrations/connectors/panels/item_jira.html",
                "integrations.create_jira_issue",
                10,
            ),
        )
        register_nav(NavEntry("KPIs", "integrations:kpis", "integrations.view_kpis", 85))
        for template, perm, order, context in [
            ("home_checklist", "integrations.change_acceptancecriterion", 10, home.checklist_panel),
            ("home_sync", "integrations.change_connection", 20, home.sync_panel),
            ("home_kpis_missing", "integrations.change_kpitarget", 30, home.kpis_missing_panel),
        ]:
            register_panel(
                "home", Panel(f"integrations/panels/{template}.html", perm, order, context)
            )

    @staticmethod
    def _register_adoption(register_panel, Panel) -> None:
        """Adoption of shipped items on the item, item form, account, sync and home pages, and in
        beta candidate ranking (adoption of related features)."""
        from roadmap.betas.factors import register_candidate_factor

        from .connectors.analytics import betas, panels, tasks  # noqa: F401 - tasks: beat task

        register_candidate_factor("related_adoption", betas.related_adoption_factor)

        usage = "integrations.view_featureusage"
        register_panel(
            "roadmap_item",
            Panel("integrations/adoption/panels/item.html", usage, 10, panels.item_panel),
        )
        register_panel(
            "roadmap_item_form",
            Panel(
                "integrations/adoption/panels/item_form.html",
                "roadmap.change_roadmapitem",
                10,
                panels.item_form_panel,
            ),
        )
        register_panel(
            "account",
            Panel("integrations/adoption/panels/account.html", usage, 30, panels.account_panel),
        )
        register_panel("sync", Panel("integrations/adoption/panels/sync.html", usage, 10))
        register_panel(
            "home",
            Panel(
                "integrations/adoption/panels/home.html",
                usage,
                20,
                panels.home_panel,
                cached=True,
            ),
        )
