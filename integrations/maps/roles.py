# Role -> permission codenames for this area; merged into the app's AppConfig.
#
# Portal admins run the maps: import/export, tick, verify (a different admin), record KPIs.
# Product managers and CS reps may read the maps and their progress (PMs plan launches against
# the integration phases; CS reps answer customers asking where an integration stands), but they
# change nothing here.
_MODELS = [
    "integrationmap",
    "mapsection",
    "mapgroup",
    "phase",
    "integrationpoint",
    "acceptancecriterion",
    "frameworklink",
    "kpitarget",
]
_READ = [f"integrations.view_{model}" for model in _MODELS]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "cs_rep": list(_READ),
    "product_manager": list(_READ),
    "portal_admin": [
        *(
            f"integrations.{action}_{model}"
            for model in [*_MODELS, "pendingmapimport"]
            for action in ("view", "add", "change", "delete")
        ),
        "integrations.verify_acceptancecriterion",
    ],
}
