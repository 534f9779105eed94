# Role -> permission codenames for launch plans; merged into the app's AppConfig.
_READ = ["roadmap.view_launchplan", "roadmap.view_milestone"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # CS reps read plans.
    "cs_rep": list(_READ),
    # PMs run launch plans.
    "product_manager": [
        *_READ,
        "roadmap.add_launchplan",
        "roadmap.change_launchplan",
        "roadmap.add_milestone",
        "roadmap.change_milestone",
    ],
    "portal_admin": list(_READ),
}
