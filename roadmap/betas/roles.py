# Role -> permission codenames for beta programs; merged into the app's AppConfig.
_READ = ["roadmap.view_betaprogram", "roadmap.view_betaparticipant"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # CS reps see programs and nominate the accounts they manage.
    "cs_rep": [*_READ, "roadmap.nominate_betaparticipant"],
    # PMs run programs.
    "product_manager": [
        *_READ,
        "roadmap.add_betaprogram",
        "roadmap.change_betaprogram",
        "roadmap.change_betaparticipant",
        "roadmap.nominate_betaparticipant",
        "roadmap.nominate_any_betaparticipant",
    ],
    "portal_admin": list(_READ),
}
