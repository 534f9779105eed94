# Role -> permission codenames for this area; merged into the app's AppConfig.
_READ = [
    "roadmap.view_betaprogram",
    "roadmap.view_betaparticipant",
    "roadmap.view_launchplan",
    "roadmap.view_milestone",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # CS reps see programs and plans and nominate the accounts they manage.
    "cs_rep": [*_READ, "roadmap.nominate_betaparticipant"],
    # PMs run programs and launch plans.
    "product_manager": [
        *_READ,
        "roadmap.add_betaprogram",
        "roadmap.change_betaprogram",
        "roadmap.change_betaparticipant",
        "roadmap.nominate_betaparticipant",
        "roadmap.nominate_any_betaparticipant",
        "roadmap.add_launchplan",
        "roadmap.change_launchplan",
        "roadmap.add_milestone",
        "roadmap.change_milestone",
    ],
    "portal_admin": list(_READ),
}
