from django.apps import AppConfig

# cs_rep: submit, see every ticket (to find an existing one) and add accounts to tickets.
# product_manager: see and triage. portal_admin: see.
_VIEW = ["feedback.view_feedbackticket", "feedback.view_ticketaccount"]

ROLE_PERMISSIONS = {
    "cs_rep": [
        *_VIEW,
        "feedback.add_feedbackticket",
        "feedback.join_feedbackticket",
        "feedback.add_ticketattachment",
        "feedback.view_ticketattachment",
    ],
    "product_manager": [
        *_VIEW,
        "feedback.view_ticketattachment",
        "feedback.change_feedbackticket",
        "feedback.triage_feedbackticket",
    ],
    "portal_admin": [*_VIEW, "feedback.view_ticketattachment"],
}


class FeedbackConfig(AppConfig):
    name = "feedback"
    role_permissions = ROLE_PERMISSIONS

    def ready(self) -> None:
        from portal.inbox import register_inbox_audience
        from portal.outbox import subscribe
        from portal.registry import NavEntry, Panel, register_nav, register_panel
        from roadmap.demand import register_demand_source

        from . import home, inbox, selectors, subscribers

        register_demand_source("feedback", selectors.demand_signals)
        from portal.search import register_search_kind

        from .search_kinds import TICKETS

        register_search_kind(TICKETS)
        register_nav(
            NavEntry("Submit feedback", "feedback:create", "feedback.add_feedbackticket", 20)
        )
        register_nav(NavEntry("My feedback", "feedback:mine", "feedback.add_feedbackticket", 21))
        register_nav(NavEntry("Triage", "feedback:triage", "feedback.triage_feedbackticket", 30))
        register_panel(
            "roadmap_item",
            Panel("feedback/panels/item_tickets.html", "feedback.view_feedbackticket", 20),
        )
        register_panel(
            "home",
            Panel(
                "feedback/panels/home_at_risk.html",
                "feedback.add_feedbackticket",
                10,
                home.accounts_at_risk_panel,
                cached=True,
            ),
        )
        register_panel(
            "home",
            Panel(
                "feedback/panels/home_my_feedback.html",
                "feedback.add_feedbackticket",
                20,
                home.my_feedback_panel,
            ),
        )
        register_panel(
            "home",
            Panel(
                "feedback/panels/home_triage.html",
                "feedback.triage_feedbackticket",
                10,
                home.triage_queue_panel,
            ),
        )
        register_inbox_audience("feedback_submitted", inbox.feedback_submitted_audience)
        register_inbox_audience("feedback_shipped", inbox.feedback_shipped_audience)
        register_inbox_audience("feedback_status_changed", inbox.feedback_status_changed_audience)
        register_inbox_audience("item_shipped", inbox.item_shipped_audience)
        subscribe("item_shipped")(subscribers.on_item_shipped)
        subscribe("feedback_shipped")(subscribers.on_feedback_shipped)
