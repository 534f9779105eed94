from django.apps import AppConfig
from django.db.models.signals import post_migrate

VIEW_ACCOUNTS = ["portal.view_account"]


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal core"
    role_permissions = {
        "cs_rep": VIEW_ACCOUNTS,
        "product_manager": VIEW_ACCOUNTS,
        "portal_admin": [
            *VIEW_ACCOUNTS,
            "portal.add_account",
            "portal.change_account",
            "portal.view_outboxevent",
        ],
    }

    def ready(self) -> None:
        from . import home, lookups  # noqa: F401 (lookups: registers ``__in_array``)
        from .inbox import on_outbox_event
        from .observability import tasks as _task_signals  # noqa: F401 (request ids in tasks)
        from .outbox import subscribe
        from .registry import NavEntry, Panel, register_nav, register_panel
        from .roles import sync_role_permissions
        from .search import register_search_kind
        from .search_kinds import ACCOUNTS

        register_search_kind(ACCOUNTS)
        register_nav(NavEntry("Home", "home", None, 0))
        register_nav(NavEntry("Accounts", "account-list", "portal.view_account", 10))
        register_panel("home", Panel("portal/panels/home_inbox.html", None, 1, home.inbox_panel))
        subscribe()(on_outbox_event)

        post_migrate.connect(sync_role_permissions, dispatch_uid="portal.sync_role_permissions")
