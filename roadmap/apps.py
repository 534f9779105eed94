from django.apps import AppConfig

from portal.roles import merge_role_permissions

from .betas.roles import ROLE_PERMISSIONS as BETA_ROLE_PERMISSIONS
from .launches.roles import ROLE_PERMISSIONS as LAUNCH_ROLE_PERMISSIONS

READ = ["roadmap.view_roadmapitem", "roadmap.view_vote", "roadmap.view_scoringpolicy"]

ROLE_PERMISSIONS = {
    # CS reps vote on behalf of the accounts they manage and change or withdraw their own votes.
    "cs_rep": [*READ, "roadmap.add_vote", "roadmap.change_vote", "roadmap.delete_vote"],
    # PMs manage items: create, edit, move them on the board.
    "product_manager": [
        *READ,
        "roadmap.add_roadmapitem",
        "roadmap.change_roadmapitem",
        "roadmap.recompute_scoringpolicy",
    ],
    # Admins configure the scoring policy.
    "portal_admin": [
        *READ,
        "roadmap.change_scoringpolicy",
        "roadmap.recompute_scoringpolicy",
    ],
}


class RoadmapConfig(AppConfig):
    name = "roadmap"
    role_permissions = merge_role_permissions(
        ROLE_PERMISSIONS, BETA_ROLE_PERMISSIONS, LAUNCH_ROLE_PERMISSIONS
    )

    def ready(self) -> None:
        from portal.inbox import register_inbox_audience
        from portal.registry import NavEntry, Panel, register_nav, register_panel

        from . import home
        from .demand import register_demand_source
        from .selectors import vote_signals

        register_demand_source("vote", vote_signals)
        from portal.services import account_edited

        from .scoring import on_account_edited

        account_edited.connect(on_account_edited, dispatch_uid="roadmap.on_account_edited")
        from portal.search import register_search_kind

        from .search_kinds import ITEMS, PROGRAMS

        register_search_kind(ITEMS)
        register_search_kind(PROGRAMS)
        register_nav(NavEntry("Roadmap", "roadmap:board", "roadmap.view_roadmapitem", 40))
        register_nav(NavEntry("My votes", "roadmap:my-votes", "roadmap.add_vote", 50))
        register_nav(NavEntry("Betas", "roadmap:beta-list", "roadmap.view_betaprogram", 60))
        register_nav(NavEntry("Launches", "roadmap:launch-calendar", "roadmap.view_launchplan", 70))
        register_panel(
            "account",
            Panel("roadmap/panels/account_beta_eligibility.html", "roadmap.view_betaprogram", 20),
        )
        for template, perm, order, context in [
            ("home_my_items", "roadmap.add_vote", 30, home.my_items_panel),
            ("home_beta_invitations", "roadmap.add_vote", 40, home.my_beta_invitations_panel),
            ("home_top_items", "roadmap.change_roadmapitem", 20, home.top_items_panel),
            ("home_no_consensus", "roadmap.change_roadmapitem", 30, home.no_consensus_panel),
            ("home_launches", "roadmap.change_launchplan", 40, home.launches_panel),
            ("home_betas", "roadmap.change_betaprogram", 50, home.betas_panel),
        ]:
            cached = template in home.CACHED_PANELS
            panel = Panel(f"roadmap/panels/{template}.html", perm, order, context, cached=cached)
            register_panel("home", panel)
        register_inbox_audience("item_shipped", home.item_shipped_audience)
        register_inbox_audience("vote_cast", home.vote_cast_audience)
        register_inbox_audience("roadmap_priority_changed", home.priority_changed_audience)
        register_inbox_audience("beta_participant_changed", home.beta_participant_changed_audience)
