# Role -> permission codenames for this area; merged into the app's AppConfig.
_READ = [
    "integrations.view_connection",
    "integrations.view_syncrun",
    "integrations.view_delivery",
    "integrations.view_featureusage",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # CS reps read feature adoption (the CS–Product adoption endpoint).
    "cs_rep": ["integrations.view_featureusage"],
    # PMs link roadmap items to Jira and may watch the syncs.
    "product_manager": [*_READ, "integrations.create_jira_issue"],
    # Portal admins configure connectors, run syncs and redeliver dead letters.
    "portal_admin": [
        *_READ,
        "integrations.add_connection",
        "integrations.change_connection",
        "integrations.delete_connection",
        "integrations.add_syncrun",
        "integrations.change_delivery",
        "integrations.view_syncedrecord",
        "integrations.view_webhookreceipt",
        "integrations.view_processedmessage",
    ],
}
